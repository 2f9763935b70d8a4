// The benchmark's figures as tables, and each target checked against them (pure).
import type { CpuPerRequest, LoadResult } from './load.js'
import type { RepliesResult } from './replies.js'
import type { StartupResult } from './startup.js'

interface Pair {
  H: LoadResult
  SUB: LoadResult
}

export interface Results {
  node: string
  cpu: string
  cores: number
  date: string
  seconds: number
  connections: number
  ceiling: Pair
  /** Express 5 + twilio.webhook() + better-sqlite3 doing the same H and SUB work (absent in results from before it). */
  reference?: Pair
  empty: Pair
  repeat: Pair
  big: Pair
  memory: { before: number; peak: number; afterFirst: number; afterRepeat: number }
  bigPeakRss: number
  seedSeconds: number
  enqueueMs: number
  dispatch: { messages: number; concurrency: number; perSecond: number }
  /** busiestSecond: the most arrivals in any closed 1-second window (absent in results from before it). */
  throttled: { configured: number; messages: number; seconds: number; perSecond: number; busiestSecond?: number | undefined }
  /** H and SUB on the 1 M-row database while a second notification to 100 000 is dispatched unthrottled (absent before issue 22). */
  duringFanout?: Pair & { sent: number; seconds: number; ended: boolean }
  /** Codes asked for during a notification at 50/s on one instance (SQLite); absent before issue 22. */
  replies?: RepliesResult
  /** Start-up on the default configuration: /healthz after spawn, idle RSS, `smsbot text` (absent before issue 22). */
  startup?: StartupResult
  /** `bash .ci/run` on a fresh clone, read from .ci/last-run.json when there is one. */
  ci?: { seconds: number; date: string; commit: string }
  /** Only when the run had DATABASE_URL (absent in results from before it, and in runs without it). */
  postgres?: PostgresResults
  targets?: Target[]
}

export interface PostgresResults {
  /** The server's version. */
  server: string
  /** smsbot on a fresh PostgreSQL database seeded like the SQLite empty one (one round). */
  H: LoadResult
  SUB: LoadResult
  /** `instances` servers on one fresh database, each at SEND_RATE_PER_SECOND=`configured`, timed at one mock. */
  fleet: {
    instances: number
    configured: number
    /** Messages queued (one per recipient). */
    expected: number
    /** Arrivals at the mock, distinct recipients among them, and arrivals beyond the first per recipient. */
    messages: number
    distinct: number
    duplicates: number
    /** From the first arrival to the last. */
    seconds: number
    perSecond: number
    /** The most arrivals within any closed 1-second window (at exactly the configured rate: configured + 1). */
    busiestSecond: number
    /** Arrivals per instance (each sends from its own number). */
    perInstance: number[]
    /** Outbox rows recorded sent, and the distinct Twilio sids among them. */
    outboxSent: number
    outboxSids: number
    /** Codes asked of each instance in turn during the fan-out (absent before issue 22). */
    replies?: RepliesResult
  }
}

/** Printed when a run, or a results.json, has no PostgreSQL part. */
export const POSTGRES_SKIPPED =
  'PostgreSQL part skipped: DATABASE_URL is not set. To run it: DATABASE_URL=postgres://user@host:5432/postgres npm run bench ' +
  '(a user that may CREATE DATABASE; smsbot_bench_* databases are created and dropped)'

export interface Target {
  measure: string
  target: string
  figure: string
  met: boolean
}

const fixed = (n: number, digits = 0) => n.toFixed(digits)

function table(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length)))
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  '))
    .join('\n')
}

/** The empty database's rate for a workload: the mean of its two rounds, since one round alone is noisy here. */
const emptyRate = (r: Results, workload: 'H' | 'SUB') => (r.empty[workload].requestsPerSecond + r.repeat[workload].requestsPerSecond) / 2

export function targets(r: Results): Target[] {
  const subRatio = r.empty.SUB.requestsPerSecond / r.ceiling.SUB.requestsPerSecond
  const p99 = Math.max(r.empty.H.p99, r.empty.SUB.p99)
  const scale = Math.min(r.big.H.requestsPerSecond / emptyRate(r, 'H'), r.big.SUB.requestsPerSecond / emptyRate(r, 'SUB'))
  const throttleError = Math.abs(r.throttled.perSecond / r.throttled.configured - 1)
  const growth = r.memory.afterRepeat - r.memory.afterFirst
  const fleet = r.postgres?.fleet
  return [
    ...referenceTargets(r),
    { measure: 'signed SUB ÷ bare Fastify', target: '≥ 0.50', figure: fixed(subRatio, 2), met: subRatio >= 0.5 },
    {
      measure: 'p99 at 10 connections (H, SUB)',
      target: '≤ 10 ms',
      figure: `${fixed(r.empty.H.p99)} / ${fixed(r.empty.SUB.p99)} ms`,
      met: p99 <= 10,
    },
    {
      measure: '1 M-row database ÷ empty (worse of H, SUB; empty = mean of 2 rounds)',
      target: '≥ 0.90',
      figure: fixed(scale, 2),
      met: scale >= 0.9,
    },
    { measure: 'enqueue 100 000 recipients', target: '≤ 1 s', figure: `${fixed(r.enqueueMs)} ms`, met: r.enqueueMs <= 1000 },
    {
      measure: 'unthrottled dispatch',
      target: '≥ 2 000 msg/s',
      figure: `${fixed(r.dispatch.perSecond)} msg/s`,
      met: r.dispatch.perSecond >= 2000,
    },
    {
      measure: 'throttled dispatch at 50/s',
      target: 'within 2 %',
      figure: `${fixed(r.throttled.perSecond, 2)}/s (${fixed(throttleError * 100, 2)} %)`,
      met: throttleError <= 0.02,
    },
    { measure: 'RSS after the runs', target: '≤ 150 MB', figure: `${fixed(r.memory.afterRepeat)} MB`, met: r.memory.afterRepeat <= 150 },
    {
      measure: 'RSS growth, repeated run',
      target: 'none (≤ 5 MB)',
      figure: `${growth >= 0 ? '+' : ''}${fixed(growth, 1)} MB`,
      met: growth <= 5,
    },
    ...(r.replies === undefined ? [] : [repliesTarget(r.replies, 'one instance, SQLite')]),
    ...(r.duringFanout === undefined ? [] : fanoutTargets(r, r.duringFanout)),
    ...(r.startup === undefined ? [] : startupTargets(r.startup)),
    ...(r.postgres === undefined ? [] : [postgresTarget(r, r.postgres)]),
    ...(fleet === undefined ? [] : fleetTargets(fleet)),
    ...(fleet?.replies === undefined ? [] : [repliesTarget(fleet.replies, `${fleet.instances} instances, PostgreSQL`)]),
    ciTarget(r.ci),
  ]
}

/** H and SUB at least 1.5 times the Express + twilio.webhook() reference in the same run (smsbot: the empty database's two rounds). */
function referenceTargets(r: Results): Target[] {
  const reference = r.reference
  if (reference === undefined) return []
  return (['H', 'SUB'] as const).map((workload) => {
    const ratio = emptyRate(r, workload) / reference[workload].requestsPerSecond
    return { measure: `smsbot ${workload} ÷ Express reference ${workload}`, target: '≥ 1.50', figure: fixed(ratio, 2), met: ratio >= 1.5 }
  })
}

/** Each code at the mock within 1 s of its request; no 1-second window above the rate + 1, codes included. */
function repliesTarget(x: RepliesResult, where: string): Target {
  return {
    measure: `replies first: ${x.codes} codes during a fan-out at ${x.configured}/s (${where})`,
    target: `each ≤ 1 000 ms, busiest 1 s ≤ ${x.configured + 1}`,
    figure: `p50 ${fixed(x.p50)} / p99 ${fixed(x.p99)} / max ${fixed(x.max)} ms, ${x.missing} missing, busiest 1 s ${x.busiestSecond}`,
    met: x.missing === 0 && x.answered === x.codes && x.max <= 1000 && x.busiestSecond <= x.configured + 1,
  }
}

/** Webhooks while the same process dispatches unthrottled: p99 ≤ 20 ms, throughput ≥ 0.7 of the same load without a fan-out. */
function fanoutTargets(r: Results, during: NonNullable<Results['duringFanout']>): Target[] {
  const p99 = Math.max(during.H.p99, during.SUB.p99)
  const ratio = Math.min(during.H.requestsPerSecond / r.big.H.requestsPerSecond, during.SUB.requestsPerSecond / r.big.SUB.requestsPerSecond)
  const running = !during.ended && during.sent > 0
  return [
    {
      measure: 'p99 of H, SUB during an unthrottled fan-out',
      target: '≤ 20 ms',
      figure: `${fixed(during.H.p99)} / ${fixed(during.SUB.p99)} ms (${fixed(during.sent / during.seconds)} msg/s sent meanwhile)`,
      met: running && p99 <= 20,
    },
    {
      measure: 'H, SUB during the fan-out ÷ without (1 M-row database, worse of the two)',
      target: '≥ 0.70',
      figure: fixed(ratio, 2),
      met: running && ratio >= 0.7,
    },
  ]
}

function startupTargets(s: StartupResult): Target[] {
  return [
    {
      measure: 'RSS at idle after start (default configuration)',
      target: '≤ 100 MB',
      figure: `${fixed(s.idleRssMb)} MB`,
      met: s.idleRssMb <= 100,
    },
    {
      measure: `node dist/src/server.js to its first /healthz 200 (median of ${s.healthzMs.length})`,
      target: '≤ 800 ms',
      figure: `${fixed(s.medianHealthzMs)} ms`,
      met: s.medianHealthzMs <= 800,
    },
    {
      measure: `smsbot text … (median of ${s.textMs.length})`,
      target: '≤ 500 ms',
      figure: `${fixed(s.medianTextMs)} ms`,
      met: s.medianTextMs <= 500,
    },
  ]
}

/** All CPU time a request costs on this machine: the service, the PostgreSQL server's processes, the load generator. */
const totalCpu = (cpu: CpuPerRequest) => cpu.server + (cpu.postgres ?? 0) + cpu.load

/**
 * The most requests a second these costs allow on `cores` cores: all the cores busy, and the service's one thread
 * busy (Node runs a request's JavaScript on one core). An upper bound: it leaves out waits and the CPU time no
 * process is charged with (the kernel's own threads).
 */
export function cpuBound(cpu: CpuPerRequest, cores: number): number {
  return Math.min((cores * 1e6) / totalCpu(cpu), 1e6 / cpu.server)
}

/** PostgreSQL's SUB is to reach at least this share of SQLite's. */
const POSTGRES_SUB_SHARE = 0.5

function postgresTarget(r: Results, postgres: PostgresResults): Target {
  const sqlite = emptyRate(r, 'SUB')
  const ratio = postgres.SUB.requestsPerSecond / sqlite
  const cpu = postgres.SUB.cpu
  const bound = cpu?.postgres === undefined ? '' : ` (its CPU per SUB allows at most ${fixed(cpuBound(cpu, r.cores) / sqlite, 2)} here)`
  return {
    measure: 'SUB on PostgreSQL ÷ SUB on SQLite (empty databases)',
    target: `≥ ${fixed(POSTGRES_SUB_SHARE, 2)}`,
    figure: `${fixed(ratio, 2)}${bound}`,
    met: ratio >= POSTGRES_SUB_SHARE,
  }
}

/** Where a request's CPU time went, and what that allows on this machine's cores (runs that measured it). */
function cpuRows(r: Results): string[][] {
  const us = (n: number | undefined) => (n === undefined ? '–' : fixed(n))
  const measured: Array<[string, LoadResult]> = [
    ['smsbot H, empty db (SQLite)', r.empty.H],
    ['smsbot SUB, empty db (SQLite)', r.empty.SUB],
  ]
  if (r.postgres !== undefined)
    measured.push(['smsbot H, empty db, PostgreSQL', r.postgres.H], ['smsbot SUB, empty db, PostgreSQL', r.postgres.SUB])
  const rows = measured.flatMap(([name, x]) =>
    x.cpu === undefined
      ? []
      : [
          [
            name,
            us(x.cpu.server),
            us(x.cpu.postgres),
            us(x.cpu.load),
            us(totalCpu(x.cpu)),
            fixed(cpuBound(x.cpu, r.cores)),
            fixed(x.requestsPerSecond),
          ],
        ],
  )
  if (rows.length === 0) return []
  // At the target's share of SQLite's SUB rate, with every core busy, this is all the CPU time one PostgreSQL SUB may cost.
  const budget = (r.cores * 1e6) / (POSTGRES_SUB_SHARE * emptyRate(r, 'SUB'))
  return [
    ['CPU per request, µs', 'service', 'PostgreSQL', 'load gen.', 'total', `bound on ${r.cores} cores, req/s`, 'measured req/s'],
    ...rows,
    ...(r.postgres === undefined
      ? []
      : [[`PostgreSQL SUB at ${fixed(POSTGRES_SUB_SHARE, 2)} of SQLite: total CPU it may cost`, '', '', '', fixed(budget), '', '']]),
  ]
}

/** The whole CI on a fresh clone, as .ci/run last recorded it (it is not run by the bench). */
function ciTarget(ci: Results['ci']): Target {
  return ci === undefined
    ? { measure: 'bash .ci/run on a fresh clone', target: '< 12 min', figure: 'not recorded: run bash .ci/run', met: false }
    : {
        measure: `bash .ci/run on a fresh clone (${ci.commit.slice(0, 7)}, ${ci.date.slice(0, 10)})`,
        target: '< 12 min',
        figure: `${fixed(ci.seconds / 60, 1)} min`,
        met: ci.seconds < 720,
      }
}

const signed = (n: number, digits: number) => `${n >= 0 ? '+' : '−'}${fixed(Math.abs(n), digits)}`

/**
 * "Never above": the mean rate at the mock is not above the configured rate, and no closed 1-second window holds more
 * than configured + 1 arrivals (what one holds at exactly that rate). "Within 2 %": the mean is within 2 % of it.
 * Both are measured at the mock, so they include the jitter of each send's latency.
 */
function fleetTargets(f: PostgresResults['fleet']): Target[] {
  const deviation = f.perSecond / f.configured - 1
  const neverAbove = f.perSecond <= f.configured && f.busiestSecond <= f.configured + 1
  // The codes asked for during the fan-out arrive too, each once.
  const arrivals = f.expected + (f.replies?.codes ?? 0)
  const once =
    f.messages === arrivals && f.distinct === arrivals && f.duplicates === 0 && f.outboxSent === f.expected && f.outboxSids === f.expected
  return [
    {
      measure: `${f.instances} instances together at SEND_RATE_PER_SECOND=${f.configured} (PostgreSQL)`,
      target: `never above (busiest 1 s ≤ ${f.configured + 1}), within 2 %`,
      figure: `${fixed(f.perSecond, 2)}/s (${signed(deviation * 100, 2)} %), busiest 1 s ${f.busiestSecond}`,
      met: neverAbove && Math.abs(deviation) <= 0.02,
    },
    {
      measure: `each of ${f.expected} messages arrived once (${f.instances} instances)`,
      target: `${arrivals} distinct (codes included), 0 duplicates`,
      figure: `${f.distinct} distinct of ${f.messages}, ${f.duplicates} duplicates`,
      met: once,
    },
  ]
}

function repliesRow(x: RepliesResult, where: string): string[] {
  return [
    `codes during a fan-out at ${x.configured}/s (${where}): request to mock, p50 / p99 / max`,
    `${fixed(x.p50)} / ${fixed(x.p99)} / ${fixed(x.max)} ms; ${x.answered} of ${x.codes} answered`,
  ]
}

export function printReport(r: Results): void {
  const load = (name: string, x: LoadResult, ratio: string) => [
    name,
    fixed(x.requestsPerSecond),
    fixed(x.p50),
    fixed(x.p97_5),
    fixed(x.p99),
    String(x.errors),
    String(x.non2xx),
    String(x.reused),
    ratio,
  ]
  const ratio = (a: LoadResult, b: LoadResult) => fixed(a.requestsPerSecond / b.requestsPerSecond, 2)
  const reference = r.reference
  const ofReference = (x: LoadResult, workload: 'H' | 'SUB') =>
    reference === undefined ? '' : `, ${ratio(x, reference[workload])} of Express`
  const postgres = r.postgres
  process.stdout.write(
    `\nsmsbot benchmark — Node ${r.node}, ${r.cpu} (${r.cores} cores), ${r.connections} connections, ${r.seconds} s per run\n\n`,
  )
  process.stdout.write(
    `${table([
      ['webhook', 'req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'errors', 'non-2xx', 'reused sids', 'ratio'],
      load('bare Fastify, H', r.ceiling.H, '1.00'),
      load('bare Fastify, SUB', r.ceiling.SUB, '1.00'),
      ...(reference === undefined
        ? []
        : [
            load('Express reference H, empty db', reference.H, `${ratio(reference.H, r.ceiling.H)} of bare`),
            load('Express reference SUB, empty db', reference.SUB, `${ratio(reference.SUB, r.ceiling.SUB)} of bare`),
          ]),
      load('smsbot H, empty db', r.empty.H, `${ratio(r.empty.H, r.ceiling.H)} of bare${ofReference(r.empty.H, 'H')}`),
      load('smsbot SUB, empty db', r.empty.SUB, `${ratio(r.empty.SUB, r.ceiling.SUB)} of bare${ofReference(r.empty.SUB, 'SUB')}`),
      ...(postgres === undefined
        ? []
        : [
            load(
              'smsbot H, empty db, PostgreSQL',
              postgres.H,
              `${ratio(postgres.H, r.ceiling.H)} of bare, ${ratio(postgres.H, r.empty.H)} of SQLite`,
            ),
            load(
              'smsbot SUB, empty db, PostgreSQL',
              postgres.SUB,
              `${ratio(postgres.SUB, r.ceiling.SUB)} of bare, ${ratio(postgres.SUB, r.empty.SUB)} of SQLite`,
            ),
          ]),
      load('smsbot H, repeated', r.repeat.H, `${ratio(r.repeat.H, r.ceiling.H)} of bare`),
      load('smsbot SUB, repeated', r.repeat.SUB, `${ratio(r.repeat.SUB, r.ceiling.SUB)} of bare`),
      load('smsbot H, 1M subscriptions', r.big.H, `${fixed(r.big.H.requestsPerSecond / emptyRate(r, 'H'), 2)} of empty`),
      load('smsbot SUB, 1M subscriptions', r.big.SUB, `${fixed(r.big.SUB.requestsPerSecond / emptyRate(r, 'SUB'), 2)} of empty`),
      ...(r.duringFanout === undefined
        ? []
        : [
            load('smsbot H, 1M, during a fan-out', r.duringFanout.H, `${ratio(r.duringFanout.H, r.big.H)} of without`),
            load('smsbot SUB, 1M, during a fan-out', r.duringFanout.SUB, `${ratio(r.duringFanout.SUB, r.big.SUB)} of without`),
          ]),
    ])}\n\n`,
  )
  process.stdout.write(
    `${table([
      ['fan-out and memory', 'figure'],
      ['seed 1M subscriptions, 100k phones, 1k topics', `${fixed(r.seedSeconds, 1)} s`],
      ['enqueue one notification to 100 000', `${fixed(r.enqueueMs)} ms`],
      [
        `unthrottled dispatch, ${r.dispatch.messages} messages, concurrency ${r.dispatch.concurrency}`,
        `${fixed(r.dispatch.perSecond)} msg/s`,
      ],
      [
        `throttled at ${r.throttled.configured}/s, ${r.throttled.messages} messages`,
        `${fixed(r.throttled.perSecond, 2)} msg/s over ${fixed(r.throttled.seconds, 2)} s`,
      ],
      ...(r.throttled.busiestSecond === undefined ? [] : [['  busiest 1 s window', String(r.throttled.busiestSecond)]]),
      [
        'RSS before / peak / after / after repeat (empty db)',
        `${fixed(r.memory.before)} / ${fixed(r.memory.peak)} / ${fixed(r.memory.afterFirst)} / ${fixed(r.memory.afterRepeat)} MB`,
      ],
      ['RSS peak, 1M database', `${fixed(r.bigPeakRss)} MB`],
      ...(r.duringFanout === undefined
        ? []
        : [['  sent during those webhook runs', `${fixed(r.duringFanout.sent / r.duringFanout.seconds)} msg/s`]]),
      ...(r.replies === undefined ? [] : [repliesRow(r.replies, 'one instance')]),
      ...(r.startup === undefined
        ? []
        : [
            ['start: spawn to first /healthz 200, each run', `${r.startup.healthzMs.map((ms) => fixed(ms)).join(' / ')} ms`],
            ['start: RSS at idle; modules loaded', `${fixed(r.startup.idleRssMb)} MB; ${r.startup.modules ?? '?'}`],
            ['smsbot text …, each run', `${r.startup.textMs.map((ms) => fixed(ms)).join(' / ')} ms`],
          ]),
      ...(postgres === undefined
        ? []
        : [
            [
              `${postgres.fleet.instances} instances on one PostgreSQL ${postgres.server} database ` +
                `at ${postgres.fleet.configured}/s, ${postgres.fleet.messages} messages`,
              `${fixed(postgres.fleet.perSecond, 2)} msg/s over ${fixed(postgres.fleet.seconds, 2)} s`,
            ],
            ['  busiest 1 s window; messages per instance', `${postgres.fleet.busiestSecond}; ${postgres.fleet.perInstance.join(' / ')}`],
            [
              '  distinct recipients, duplicates; outbox rows sent, distinct sids',
              `${postgres.fleet.distinct}, ${postgres.fleet.duplicates}; ${postgres.fleet.outboxSent}, ${postgres.fleet.outboxSids}`,
            ],
            ...(postgres.fleet.replies === undefined ? [] : [repliesRow(postgres.fleet.replies, `${postgres.fleet.instances} instances`)]),
          ]),
    ])}\n\n`,
  )
  const cpu = cpuRows(r)
  if (cpu.length > 0) process.stdout.write(`${table(cpu)}\n\n`)
  const checked = targets(r)
  r.targets = checked
  process.stdout.write(
    `${table([['target', 'wanted', 'measured', ''], ...checked.map((t) => [t.measure, t.target, t.figure, t.met ? 'met' : 'MISSED'])])}\n`,
  )
  if (reference === undefined) process.stdout.write('(these results predate the Express reference: no reference rows or target)\n')
  if (postgres === undefined) process.stdout.write(`${POSTGRES_SKIPPED}\n`)
}
