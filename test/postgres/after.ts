// tap's `after`: stops the run's PostgreSQL cluster and removes it.
import { rmSync } from 'node:fs'
import { CLUSTER_FILE, loadCluster, stopCluster } from './cluster.js'

const cluster = loadCluster()
if (cluster !== undefined) stopCluster(cluster)
rmSync(CLUSTER_FILE, { force: true })
