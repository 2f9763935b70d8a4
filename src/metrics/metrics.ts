// Prometheus metrics (prom-client): counters bumped on the hot path, database figures read only when scraped.
import { createRequire } from 'node:module'
import type * as PromClient from 'prom-client'
import type { Counter, Histogram, Registry } from 'prom-client'

type Labels<L extends string> = Partial<Record<L, string | number>>

/** What the app counts with: prom-client's metrics with METRICS_TOKEN set, else `noMetrics`. */
export interface Metrics {
  registry: { contentType: string; metrics(): Promise<string> }
  inbound: { inc(labels: Labels<'command'>): void }
  webhookSeconds: { observe(labels: Labels<'route'>, value: number): void }
  signatureRefusals: { inc(labels: Labels<'reason'>): void }
  codesSent: { inc(labels: Labels<'outcome'>): void }
  codeChecks: { inc(labels: Labels<'outcome'>): void }
  sends: { inc(labels: Labels<'outcome' | 'error_code'>): void }
}

export interface PromMetrics extends Metrics {
  registry: Registry
  inbound: Counter<'command'>
  webhookSeconds: Histogram<'route'>
  signatureRefusals: Counter<'reason'>
  codesSent: Counter<'outcome'>
  codeChecks: Counter<'outcome'>
  sends: Counter<'outcome' | 'error_code'>
}

const nothing = () => {}

/**
 * Metrics that count nothing, for a server without METRICS_TOKEN (GET /metrics answers 404 and nobody scrapes):
 * prom-client, 90 ms and 12 MB at start, is not loaded.
 */
export const noMetrics: Metrics = {
  registry: { contentType: 'text/plain; version=0.0.4; charset=utf-8', metrics: async () => '' },
  inbound: { inc: nothing },
  webhookSeconds: { observe: nothing },
  signatureRefusals: { inc: nothing },
  codesSent: { inc: nothing },
  codeChecks: { inc: nothing },
  sends: { inc: nothing },
}

/**
 * A registry of its own (never prom-client's global one), so that several apps in one process (the tests) do not
 * share counters. `outboxRows` is asked for the outbox's rows by status at each scrape.
 */
export function createMetrics(options: { outboxRows: () => Promise<Record<string, number>>; sendRatePerSecond: number }): PromMetrics {
  const { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } = createRequire(import.meta.url)('prom-client') as typeof PromClient
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'smsbot_' })
  const metrics: PromMetrics = {
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
