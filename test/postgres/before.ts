// tap's `before`: starts the run's one PostgreSQL cluster and leaves its address for the test processes.
import { saveCluster, staleClusters, startCluster, stopCluster } from './cluster.js'
// tap's before/after scripts run this module with coverage on; it is test code, not measured like test/ (.taprc).
/* c8 ignore start */

for (const stale of staleClusters()) {
  try {
    stopCluster(stale)
  } catch {
    // A cluster left by a run that was killed: already gone.
  }
}
saveCluster(await startCluster())
