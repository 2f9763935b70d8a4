// tap's `before`: starts the run's one PostgreSQL cluster and leaves its address for the test processes.
import { saveCluster, staleClusters, startCluster, stopCluster } from './cluster.js'

for (const stale of staleClusters()) {
  try {
    stopCluster(stale)
  } catch {
    // A cluster left by a run that was killed: already gone.
  }
}
saveCluster(await startCluster())
