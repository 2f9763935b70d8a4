// Start-up footprint (issue 22): time from spawn to the first 200 from GET /healthz, idle RSS, `smsbot text`, modules loaded.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '../test/ports.js'
import { status, stopChild } from './processes.js'

export interface StartupOptions {
  /** The compiled server script (dist/src/server.js). */
  server: string
  /** The command line script (bin/smsbot.js). */
  bin: string
  /** The configuration, on top of PATH, DATABASE_PATH and PORT (nothing else is inherited: the default configuration). */
  env: Record<string, string>
  runs?: number
}

export interface StartupResult {
  healthzMs: number[]
  medianHealthzMs: number
  idleRssMb: number
  textMs: number[]
  medianTextMs: number
  modules?: number
}

const POLL_MS = 10
const IDLE_MS = 1000
const DEADLINE_MS = 60_000

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

const round = (value: number) => Math.round(value * 10) / 10

/** Polls GET /healthz every POLL_MS from now; the milliseconds until the first 200. */
async function untilHealthy(child: ChildProcess, url: string, started: number, log: string): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}; see ${log}`)
    if (performance.now() - started > DEADLINE_MS) throw new Error(`the server did not answer /healthz within 60 s; see ${log}`)
    try {
      const response = await fetch(`${url}/healthz`)
      await response.arrayBuffer()
      if (response.ok) return performance.now() - started
    } catch {
      // not listening yet
    }
    await delay(POLL_MS)
  }
}

/** Runs a command to its end; the milliseconds it took, or an error with its output when it fails. */
async function timed(args: string[], env: Record<string, string>, cwd: string): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  const ms = performance.now() - started
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}: ${output}`)
  return ms
}

/**
 * A preload that counts the modules a process loads, ES modules (through a loader hook, in its own thread) and
 * CommonJS ones (require's cache), and writes the count to `file` when the process exits.
 */
function moduleCounter(dir: string, file: string): string {
  const hooks = join(dir, 'count-hooks.mjs')
  writeFileSync(
    hooks,
    `let port
export function initialize(data) { port = data.port }
export async function load(url, context, next) { port.postMessage(url); return next(url, context) }
`,
  )
  const preload = join(dir, 'count-modules.mjs')
  writeFileSync(
    preload,
    `import { register, createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { MessageChannel } from 'node:worker_threads'
const seen = new Set()
const { port1, port2 } = new MessageChannel()
port1.on('message', (url) => seen.add(url))
port1.unref()
register(${JSON.stringify(pathToUrl(hooks))}, { data: { port: port2 }, transferList: [port2] })
const cache = createRequire(import.meta.url).cache
process.on('exit', () => {
  for (const path of Object.keys(cache)) seen.add(pathToFileURL(path).href)
  const files = [...seen].filter((url) => url.startsWith('file:'))
  writeFileSync(${JSON.stringify(file)}, String(files.length))
})
`,
  )
  return preload
}

function pathToUrl(path: string): string {
  return new URL(`file://${path}`).href
}

interface Run {
  healthzMs: number
  rssMb: number
  textMs: number
}

/** One start on a fresh SQLite file: time to healthy, RSS after a second idle, one `smsbot text`, and stop. */
async function oneRun(options: StartupOptions, countModules: boolean): Promise<Run & { modules?: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'smsbot-startup-'))
  try {
    const port = await freePort()
    const env = { PATH: process.env.PATH ?? '', ...options.env, DATABASE_PATH: join(dir, 'smsbot.sqlite'), PORT: String(port) }
    const log = join(dir, 'server.log')
    const countFile = join(dir, 'modules.txt')
    const execArgv = countModules ? ['--import', moduleCounter(dir, countFile)] : []
    const output = openSync(log, 'a')
    // The cwd is the temporary folder: no .env of the working tree is read (dotenv/config).
    const started = performance.now()
    const child = spawn(process.execPath, [...execArgv, options.server], { env, cwd: dir, stdio: ['ignore', output, output] })
    try {
      const healthzMs = await untilHealthy(child, `http://127.0.0.1:${port}`, started, log)
      await delay(IDLE_MS)
      const rss = status(child.pid as number, 'VmRSS')
      // The simulator texts the running server, signed with the development token kept beside the same database.
      const textMs = await timed([options.bin, 'text', '+15551234567', 'HELP'], env, dir)
      await stopChild(child)
      const modules = countModules ? Number(readFileSync(countFile, 'utf8')) : undefined
      return { healthzMs, rssMb: rss, textMs, ...(modules === undefined ? {} : { modules }) }
    } finally {
      await stopChild(child)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Starts the server `runs` times (5 by default), each on a fresh SQLite DATABASE_PATH in a temporary folder and a
 * free port; the medians of the time to the first 200 from /healthz and of `smsbot text … HELP` against it, the
 * median idle RSS, and (from one more, instrumented start) how many modules the server loads.
 */
export async function measureStartup(options: StartupOptions): Promise<StartupResult> {
  const runs = options.runs ?? 5
  // fetch loads its own code on first use: loaded here, before any clock starts.
  await fetch('http://127.0.0.1:9/').catch(() => undefined)
  const results: Run[] = []
  for (let i = 0; i < runs; i++) results.push(await oneRun(options, false))
  const counted = await oneRun(options, true)
  const healthzMs = results.map((r) => round(r.healthzMs))
  const textMs = results.map((r) => round(r.textMs))
  return {
    healthzMs,
    medianHealthzMs: round(median(healthzMs)),
    idleRssMb: round(median(results.map((r) => r.rssMb))),
    textMs,
    medianTextMs: round(median(textMs)),
    ...(counted.modules === undefined ? {} : { modules: counted.modules }),
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
  const result = await measureStartup({
    server: here('../dist/src/server.js'),
    bin: here('../bin/smsbot.js'),
    env: {},
    runs: Number(process.env.STARTUP_RUNS ?? 5),
  })
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
}
