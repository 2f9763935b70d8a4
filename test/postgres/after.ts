// tap's `after`: stops the run's PostgreSQL cluster and removes it.
import { rmSync } from 'node:fs'
import { CLUSTER_FILE, loadCluster, stopCluster } from './cluster.js'
// tap's before/after scripts run this module with coverage on; it is test code, not measured like test/ (.taprc).
/* c8 ignore start */

const cluster = loadCluster()
rmSync(CLUSTER_FILE, { force: true })
try {
  if (cluster !== undefined) stopCluster(cluster)
} catch (err) {
  // The tests have finished; a cluster that will not stop is reported, not counted as a failed run.
  process.stderr.write(`could not stop the test PostgreSQL cluster in ${cluster?.dir}: ${(err as Error).message}\n`)
}
