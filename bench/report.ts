// The benchmark's figures as tables, and each target checked against them (pure).
import type { LoadResult } from './load.js'

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
  const hRatio = r.empty.H.requestsPerSecond / r.ceiling.H.requestsPerSecond
  const referenceRatio = r.reference === undefined ? undefined : r.empty.SUB.requestsPerSecond / r.reference.SUB.requestsPerSecond
  const subRatio = r.empty.SUB.requestsPerSecond / r.ceiling.SUB.requestsPerSecond
  const p99 = Math.max(r.empty.H.p99, r.empty.SUB.p99)
  const scale = Math.min(r.big.H.requestsPerSecond / emptyRate(r, 'H'), r.big.SUB.requestsPerSecond / emptyRate(r, 'SUB'))
  const throttleError = Math.abs(r.throttled.perSecond / r.throttled.configured - 1)
  const growth = r.memory.afterRepeat - r.memory.afterFirst
  const fleet = r.postgres?.fleet
  return [
    { measure: 'signed H ÷ bare Fastify', target: '≥ 0.60', figure: fixed(hRatio, 2), met: hRatio >= 0.6 },
    { measure: 'signed SUB ÷ bare Fastify', target: '≥ 0.50', figure: fixed(subRatio, 2), met: subRatio >= 0.5 },
    ...(referenceRatio === undefined
      ? []
      : [{ measure: 'smsbot SUB ÷ Express reference SUB', target: '≥ 2.00', figure: fixed(referenceRatio, 2), met: referenceRatio >= 2 }]),
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
    ...(fleet === undefined ? [] : fleetTargets(fleet)),
  ]
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
  const once =
    f.messages === f.expected &&
    f.distinct === f.expected &&
    f.duplicates === 0 &&
    f.outboxSent === f.expected &&
    f.outboxSids === f.expected
  return [
    {
      measure: `${f.instances} instances together at SEND_RATE_PER_SECOND=${f.configured} (PostgreSQL)`,
      target: `never above (busiest 1 s ≤ ${f.configured + 1}), within 2 %`,
      figure: `${fixed(f.perSecond, 2)}/s (${signed(deviation * 100, 2)} %), busiest 1 s ${f.busiestSecond}`,
      met: neverAbove && Math.abs(deviation) <= 0.02,
    },
    {
      measure: `each of ${f.expected} messages arrived once (${f.instances} instances)`,
      target: `${f.expected} distinct, 0 duplicates`,
      figure: `${f.distinct} distinct of ${f.messages}, ${f.duplicates} duplicates`,
      met: once,
    },
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
          ]),
    ])}\n\n`,
  )
  const checked = targets(r)
  r.targets = checked
  process.stdout.write(
    `${table([['target', 'wanted', 'measured', ''], ...checked.map((t) => [t.measure, t.target, t.figure, t.met ? 'met' : 'MISSED'])])}\n`,
  )
  if (reference === undefined) process.stdout.write('(these results predate the Express reference: no reference rows or target)\n')
  if (postgres === undefined) process.stdout.write(`${POSTGRES_SKIPPED}\n`)
}
