// Posts one event to the team's application (EVENTS_URL), signed the Standard Webhooks way; 2xx means delivered.
import { Webhook } from 'standardwebhooks'
import type { EventsConfig } from '../config.js'
import type { EventRow } from '../schema.js'
import { retryAfterMs } from './backoff.js'
import { discard, networkError, oneLineOf, readSome, REQUEST_TIMEOUT_MS, type Attempt } from './attempt.js'

export interface WebhookOptions {
  /**
   * When an attempt is signed (webhook-timestamp). The wall clock, not the app's injected clock: the receiver checks it
   * against its own clock (standardwebhooks allows 5 minutes) to refuse replays, whatever time the schedule runs on.
   */
  signedAt?: () => Date
  fetch?: typeof fetch
}

/** The body every attempt at an event sends: its type, when it happened (created_at) and its data. */
export function webhookBody(row: Pick<EventRow, 'type' | 'created_at' | 'data'>): string {
  return JSON.stringify({ type: row.type, timestamp: row.created_at, data: JSON.parse(row.data) as unknown })
}

/** A poster for this deployment's EVENTS_URL and EVENTS_SECRET: one attempt per call, with the row's id as webhook-id. */
export function createWebhookPoster(config: EventsConfig, options: WebhookOptions = {}): (row: EventRow) => Promise<Attempt> {
  const signer = new Webhook(config.secret)
  const signedAt = options.signedAt ?? (() => new Date())
  const post = options.fetch ?? fetch

  return async (row) => {
    const body = webhookBody(row)
    const at = signedAt()
    let response: Response
    try {
      response = await post(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'smsbot-events',
          'webhook-id': row.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signer.sign(row.id, at, body),
        },
        body,
        // A redirect is not followed: the signed event goes to EVENTS_URL or nowhere, and a 3xx is a failed attempt.
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (err) {
      return { outcome: 'retry', error: networkError(err) }
    }
    if (response.status >= 200 && response.status < 300) {
      await discard(response)
      return { outcome: 'delivered' }
    }
    if (response.status >= 300 && response.status < 400) {
      await discard(response)
      return { outcome: 'retry', error: `answered ${response.status} (a redirect, which is not followed)` }
    }
    // A busy receiver may say when to come back (429, 503): that wait is kept, within the event's 24 hours.
    const after = retryAfterMs(response.headers.get('retry-after'), at)
    const text = oneLineOf(await readSome(response))
    return { outcome: 'retry', error: `answered ${response.status}${text === '' ? '' : `: ${text}`}`, retryAfterMs: after }
  }
}
