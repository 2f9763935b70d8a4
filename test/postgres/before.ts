// tap's `before`: starts the run's one PostgreSQL cluster and leaves its address for the test processes.
import { loadCluster, saveCluster, startCluster, stopCluster } from './cluster.js'

const stale = loadCluster()
if (stale !== undefined) {
  try {
    stopCluster(stale)
  } catch {
    // A cluster left by a run that was killed: already gone.
  }
}
saveCluster(await startCluster())
