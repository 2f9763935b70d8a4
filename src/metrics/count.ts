// Turns what a request reported (its typed outcome, see outcome.ts) into metrics, once per request (in the onResponse hook).
import type { Outcome } from '../outcome.js'
import type { Metrics } from './metrics.js'

const WEBHOOKS = new Set(['/sms', '/sms/status'])

export function countRequest(metrics: Metrics, route: string | undefined, elapsedMs: number, outcome: Outcome | null): void {
  if (route !== undefined && WEBHOOKS.has(route)) metrics.webhookSeconds.observe({ route }, elapsedMs / 1000)
  switch (outcome?.kind) {
    case undefined:
      return
    case 'sms':
      return void metrics.inbound.inc({ command: outcome.command })
    case 'refusal':
      return void metrics.signatureRefusals.inc({ reason: outcome.reason })
    case 'codeSent':
      return void metrics.codesSent.inc({ outcome: outcome.outcome })
    case 'codeChecked':
      return void metrics.codeChecks.inc({ outcome: outcome.outcome })
    default:
      return outcome satisfies never
  }
}
