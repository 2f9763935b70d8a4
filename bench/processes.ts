// Child processes for the benchmark: the servers under test and the mock Twilio, their readiness, memory and CPU time.
import { type ChildProcess, execFileSync, fork } from 'node:child_process'
import { openSync, readdirSync, readFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'

export interface Service {
  url: string
  pid: number
  /** Resident set size now, in MB. */
  rssMb(): number
  /** The highest resident set size since the process started (VmHWM), in MB. */
  peakRssMb(): number
  stop(): Promise<void>
}

/** A process's resident set size now (VmRSS) or its highest (VmHWM), in MB, from /proc. */
export function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match === null ? Number.NaN : Number(match[1]) / 1024
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux almost always). */
let ticksPerSecond: number | undefined
const msPerTick = () => 1000 / (ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100)

/** A process's command name and its user + system CPU time so far (ms), from /proc; undefined once it is gone. */
function procStat(pid: number | string): { name: string; ms: number } | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // "pid (name) state …": the name may hold spaces and parentheses; utime and stime are the 14th and 15th fields.
  const close = stat.lastIndexOf(') ')
  const fields = stat.slice(close + 2).split(' ')
  return { name: stat.slice(stat.indexOf('(') + 1, close), ms: (Number(fields[11]) + Number(fields[12])) * msPerTick() }
}

/** User + system CPU time of one process so far, in ms (10 ms resolution), or undefined once it is gone. */
export function cpuMs(pid: number): number | undefined {
  return procStat(pid)?.ms
}

/**
 * CPU time so far of every PostgreSQL server process on this machine (postmaster, backends, WAL writer …), in ms, and
 * how many there are: 0 when the DATABASE_URL server runs elsewhere. A backend that exits between two readings takes
 * its time with it, so read while the service's pool holds its connections open.
 */
export function postgresCpuMs(): { ms: number; processes: number } {
  let ms = 0
  let processes = 0
  for (const pid of readdirSync('/proc')) {
    const stat = /^\d+$/.test(pid) ? procStat(pid) : undefined
    if (stat?.name !== 'postgres') continue
    ms += stat.ms
    processes += 1
  }
  return { ms, processes }
}

/** SIGTERM, then SIGKILL after 15 s; resolves once the process has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  await Promise.race([exited, delay(15_000).then(() => child.kill('SIGKILL'))])
  await exited
}

/**
 * Starts a Node script with this environment and waits until GET /healthz answers 200. Its output goes to `logFile`.
 * With BENCH_CPU_PROF=<dir> each service writes a CPU profile there when it stops.
 */
export async function startService(script: string, env: Record<string, string>, port: number, logFile: string): Promise<Service> {
  const log = openSync(logFile, 'a')
  const profile = process.env.BENCH_CPU_PROF
  const child = fork(script, [], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    execArgv: profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`],
    stdio: ['ignore', log, log, 'ipc'],
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}; see ${logFile}`)
    if (Date.now() > deadline) throw new Error(`${script} did not answer /healthz within 60 s; see ${logFile}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    await delay(50)
  }
  const pid = child.pid as number
  return { url, pid, rssMb: () => status(pid, 'VmRSS'), peakRssMb: () => status(pid, 'VmHWM'), stop: () => stopChild(child) }
}

/** Messages accepted since the last reset, with the arrival times (ms) of the first and the last. */
export interface MockStats {
  count: number
  first: number
  last: number
  /** Distinct recipients (`To`); `duplicates` is count − distinct: messages that arrived again for a recipient. */
  distinct: number
  duplicates: number
  /** The most arrivals within any closed 1-second window; only from detail(). */
  busiestSecond?: number
  /** Arrivals per sender (`From`). */
  bySender: Record<string, number>
}

export interface MockTwilioProcess {
  url: string
  stats(): Promise<MockStats>
  /** The stats with the busiest second, which costs a pass over every arrival time. */
  detail(): Promise<MockStats>
  reset(): Promise<MockStats>
  /** Wall-clock ms at which the first message to each of these recipients arrived (null: none yet). */
  arrivals(recipients: string[]): Promise<Array<number | null>>
  stop(): Promise<void>
}

/** The mock Twilio in its own process, so that it does not share the service's event loop. */
export async function startMockTwilioProcess(script: string, logFile: string): Promise<MockTwilioProcess> {
  const log = openSync(logFile, 'a')
  const child = fork(script, [], { stdio: ['ignore', log, log, 'ipc'] })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { ready: string }).ready))
    child.once('exit', (code) => reject(new Error(`mock Twilio exited with ${code}; see ${logFile}`)))
  })
  const ask = (request: 'stats' | 'detail' | 'reset') =>
    new Promise<MockStats>((resolve) => {
      child.once('message', (m) => resolve(m as MockStats))
      child.send(request)
    })
  return {
    url,
    stats: () => ask('stats'),
    detail: () => ask('detail'),
    reset: () => ask('reset'),
    arrivals: (recipients) =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve((m as { arrivals: Array<number | null> }).arrivals))
        child.send({ arrivals: recipients })
      }),
    stop: () => stopChild(child),
  }
}
