// One typed outcome per request feeds both the metrics and the request's log line: each kind, counted and logged.
import t from 'tap'
import { countRequest } from '../../src/metrics/count.js'
import { createMetrics, noMetrics } from '../../src/metrics/metrics.js'
import { logFieldsOf, type Outcome } from '../../src/outcome.js'

async function counted(route: string | undefined, outcome: Outcome | null) {
  const metrics = createMetrics({ outboxRows: async () => ({}), sendRatePerSecond: 1 })
  countRequest(metrics, route, 12, outcome)
  const read = async (metric: { get(): Promise<{ values: Array<{ labels: object; value: number }> }> }) =>
    (await metric.get()).values.filter((v) => v.value > 0).map((v) => ({ ...v.labels, value: v.value }))
  return {
    inbound: await read(metrics.inbound),
    refusals: await read(metrics.signatureRefusals),
    codesSent: await read(metrics.codesSent),
    codeChecks: await read(metrics.codeChecks),
    webhooks: (await metrics.webhookSeconds.get()).values
      .filter((v) => v.metricName === 'smsbot_webhook_duration_seconds_count')
      .map((v) => ({ ...v.labels, value: v.value })),
  }
}

const none = { inbound: [], refusals: [], codesSent: [], codeChecks: [], webhooks: [] }

t.test('an answered SMS: counted by command, logged with the sender masked', async (t) => {
  const outcome: Outcome = { kind: 'sms', from: '+16175550123', command: 'subscribe' }
  t.same(await counted('/sms', outcome), {
    ...none,
    inbound: [{ command: 'subscribe', value: 1 }],
    webhooks: [{ route: '/sms', value: 1 }],
  })
  t.same(logFieldsOf(outcome), { from: '+1******0123', command: 'subscribe' })
})

t.test('a signature refusal: counted by reason, on either webhook', async (t) => {
  const outcome: Outcome = { kind: 'refusal', reason: 'mismatch' }
  t.same(await counted('/sms/status', outcome), {
    ...none,
    refusals: [{ reason: 'mismatch', value: 1 }],
    webhooks: [{ route: '/sms/status', value: 1 }],
  })
  t.same(logFieldsOf(outcome), { refusal: 'mismatch' })
})

t.test('codes sent and checked: counted by outcome, on the pages (no webhook latency)', async (t) => {
  const sent: Outcome = { kind: 'codeSent', outcome: 'cooldown' }
  t.same(await counted('/verify', sent), { ...none, codesSent: [{ outcome: 'cooldown', value: 1 }] })
  t.same(logFieldsOf(sent), { codeSent: 'cooldown' })
  const checked: Outcome = { kind: 'codeChecked', outcome: 'verified' }
  t.same(await counted('/verify/code', checked), { ...none, codeChecks: [{ outcome: 'verified', value: 1 }] })
  t.same(logFieldsOf(checked), { codeChecked: 'verified' })
})

t.test("a request that reports nothing: only a webhook's latency, and nothing added to the log line", async (t) => {
  t.same(await counted('/sms/status', null), { ...none, webhooks: [{ route: '/sms/status', value: 1 }] })
  t.same(await counted('/me', null), none)
  t.same(await counted(undefined, null), none)
  t.same(logFieldsOf(null), {})
})

t.test('without METRICS_TOKEN every kind is counted by nothing, and the registry is empty (prom-client is not loaded)', async (t) => {
  const outcomes: Outcome[] = [
    { kind: 'sms', from: '+16175550123', command: 'subscribe' },
    { kind: 'refusal', reason: 'mismatch' },
    { kind: 'codeSent', outcome: 'sent' },
    { kind: 'codeChecked', outcome: 'verified' },
  ]
  for (const outcome of outcomes) countRequest(noMetrics, '/sms', 12, outcome)
  noMetrics.sends.inc({ outcome: 'sent', error_code: '' })
  t.equal(await noMetrics.registry.metrics(), '')
  t.match(noMetrics.registry.contentType, /^text\/plain/)
})
