// A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl on a private port, started once per run.
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../ports.js'
import { projectPath } from '../root.js'
// tap's before/after scripts run this module with coverage on; it is test code, not measured like test/ (.taprc).
/* c8 ignore start */

const CLUSTER_DIR = projectPath('.tap/')

/**
 * Where the running cluster's address is kept for the test processes. tap runs the `before` script and each test
 * file as children of one runner, so the runner's pid names the file: two runs at once each get their own cluster.
 */
export const CLUSTER_FILE = join(CLUSTER_DIR, `postgres-${process.ppid}.json`)

/** Clusters left by runs that were killed (their runner is gone), to be stopped. */
export function staleClusters(): Cluster[] {
  if (!existsSync(CLUSTER_DIR)) return []
  const stale: Cluster[] = []
  for (const name of readdirSync(CLUSTER_DIR)) {
    const pid = /^postgres-(\d+)\.json$/.exec(name)?.[1]
    if (pid === undefined || isAlive(Number(pid))) continue
    const file = join(CLUSTER_DIR, name)
    stale.push(JSON.parse(readFileSync(file, 'utf8')) as Cluster)
    rmSync(file, { force: true })
  }
  return stale
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export interface Cluster {
  dir: string
  port: number
  /** The superuser's URL, for creating and dropping each test's database. */
  adminUrl: string
}

function binaries(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (versions[0] === undefined) throw new Error("PostgreSQL is not installed: apt-get install postgresql (Debian's PostgreSQL 15)")
  return join(root, versions[0], 'bin')
}

/** initdb refuses to run as root: as root, the cluster belongs to the postgres user. */
function run(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  execFileSync(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] })
}

export async function startCluster(): Promise<Cluster> {
  const bin = binaries()
  const dir = mkdtempSync(join(tmpdir(), 'smsbot-pg-'))
  const data = join(dir, 'data')
  mkdirSync(data, { mode: 0o700 })
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
    chownSync(data, uid, gid)
  }
  const port = await freePort()
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'])
  const options =
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ` +
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300'
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start'])
  return { dir, port, adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres` }
}

export function stopCluster(cluster: Cluster): void {
  try {
    // Already gone (stopped by a run's `after` that ran twice, or removed by hand): nothing to stop.
    if (existsSync(join(cluster.dir, 'data', 'postmaster.pid')))
      run(join(binaries(), 'pg_ctl'), ['-D', join(cluster.dir, 'data'), '-m', 'immediate', '-w', 'stop'])
  } finally {
    rmSync(cluster.dir, { recursive: true, force: true })
  }
}

export function saveCluster(cluster: Cluster): void {
  mkdirSync(join(CLUSTER_FILE, '..'), { recursive: true })
  writeFileSync(CLUSTER_FILE, JSON.stringify(cluster))
}

export function loadCluster(): Cluster | undefined {
  return existsSync(CLUSTER_FILE) ? (JSON.parse(readFileSync(CLUSTER_FILE, 'utf8')) as Cluster) : undefined
}
