// Turns what a route put in its request's log fields into metrics, once per request (in the onResponse hook).
import type { Metrics } from './metrics.js'

const WEBHOOKS = new Set(['/sms', '/sms/status'])

export function countRequest(metrics: Metrics, route: string | undefined, elapsedMs: number, fields: Record<string, unknown> | null): void {
  if (route !== undefined && WEBHOOKS.has(route)) {
    metrics.webhookSeconds.observe({ route }, elapsedMs / 1000)
    if (typeof fields?.refusal === 'string') metrics.signatureRefusals.inc({ reason: fields.refusal })
    else if (route === '/sms' && typeof fields?.command === 'string') metrics.inbound.inc({ command: fields.command })
  }
  if (typeof fields?.codeSent === 'string') metrics.codesSent.inc({ outcome: fields.codeSent })
  if (typeof fields?.codeChecked === 'string') metrics.codeChecks.inc({ outcome: fields.codeChecked })
}
