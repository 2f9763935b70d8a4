// Prometheus metrics (prom-client): counters bumped on the hot path, database figures read only when scraped.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

export interface Metrics {
  registry: Registry
  inbound: Counter<'command'>
  webhookSeconds: Histogram<'route'>
  signatureRefusals: Counter<'reason'>
  codesSent: Counter<'outcome'>
  codeChecks: Counter<'outcome'>
  sends: Counter<'outcome' | 'error_code'>
}

/**
 * A registry of its own (never prom-client's global one), so that several apps in one process (the tests) do not
 * share counters. `outboxRows` is asked for the outbox's rows by status at each scrape.
 */
export function createMetrics(options: { outboxRows: () => Promise<Record<string, number>>; sendRatePerSecond: number }): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'smsbot_' })
  const metrics: Metrics = {
    registry,
    inbound: new Counter({
      name: 'smsbot_inbound_messages_total',
      help: 'Inbound SMS answered, by command.',
      labelNames: ['command'],
      registers: [registry],
    }),
    webhookSeconds: new Histogram({
      name: 'smsbot_webhook_duration_seconds',
      help: 'Time to answer a Twilio webhook, signature check included.',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    signatureRefusals: new Counter({
      name: 'smsbot_signature_refusals_total',
      help: 'Webhook requests refused by the signature check, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    codesSent: new Counter({
      name: 'smsbot_codes_sent_total',
      help: 'Verification code requests, by outcome (sent, or why not).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    codeChecks: new Counter({
      name: 'smsbot_code_checks_total',
      help: 'Verification code checks, by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    sends: new Counter({
      name: 'smsbot_sends_total',
      help: 'Notification sends to Twilio, by outcome and Twilio error code.',
      labelNames: ['outcome', 'error_code'],
      registers: [registry],
    }),
  }
  new Gauge({
    name: 'smsbot_outbox_rows',
    help: 'Outbox rows by status (read from the database when scraped).',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const [status, count] of Object.entries(await options.outboxRows())) this.set({ status }, count)
    },
  })
  new Gauge({
    name: 'smsbot_send_rate_per_second',
    help: 'SEND_RATE_PER_SECOND: the dispatch rate of the whole deployment.',
    registers: [registry],
  }).set(options.sendRatePerSecond)
  return metrics
}
