// Forwarding: a message no command or keyword matched, POSTed as signed JSON to the operator's own service (FORWARD_URL).
import { createHmac } from 'node:crypto'
import { MAX_BODY } from '../copy/segments.js'

export interface ForwardConfig {
  url: URL
  /** Keys the HMAC-SHA256 of the raw body (FORWARD_SECRET). */
  secret: string
  /** How long the service has to answer, body included (FORWARD_TIMEOUT_MS). */
  timeoutMs: number
}

/** What the service receives, as JSON. */
export interface ForwardedMessage {
  messageSid: string
  from: string
  to: string
  body: string
  numMedia: number
  receivedAt: string
}

export type ForwardResult = { ok: true; reply: string } | { ok: false; reason: string }

/** A larger answer is not read (a reply is at most 1 600 characters). */
const MAX_ANSWER_BYTES = 64 * 1024

/** The X-Smsbot-Signature of a raw body: `sha256=` and the hex HMAC-SHA256 keyed with FORWARD_SECRET. */
export function forwardSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`
}

/** Reads a response body up to `max` bytes; undefined past it. */
async function readCapped(response: Response, max: number): Promise<string | undefined> {
  if (response.body === null) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > max) return undefined
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * POSTs the message and reads `{ "reply": "…" }` within the timeout. Never throws: a timeout, a network error, a
 * status other than 2xx, a body that is not that JSON, or a reply over 1 600 characters is a failure with a reason
 * (for the log; the texter gets the usual reply). An empty reply means "answer nothing".
 */
export async function forwardMessage(
  config: ForwardConfig,
  message: ForwardedMessage,
  now: Date,
  doFetch: typeof fetch = fetch,
): Promise<ForwardResult> {
  const raw = JSON.stringify(message)
  const signal = AbortSignal.timeout(config.timeoutMs)
  try {
    const response = await doFetch(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'smsbot',
        'x-smsbot-signature': forwardSignature(config.secret, raw),
        'x-smsbot-timestamp': String(Math.floor(now.getTime() / 1000)),
      },
      body: raw,
      redirect: 'error',
      signal,
    })
    if (!response.ok) {
      await response.body?.cancel().catch(() => {})
      return { ok: false, reason: `the service answered ${response.status}` }
    }
    const text = await readCapped(response, MAX_ANSWER_BYTES)
    if (text === undefined) return { ok: false, reason: `the answer is over ${MAX_ANSWER_BYTES} bytes` }
    let answer: unknown
    try {
      answer = JSON.parse(text)
    } catch {
      return { ok: false, reason: 'the answer is not JSON' }
    }
    const reply = (answer as { reply?: unknown } | null)?.reply
    if (typeof reply !== 'string') return { ok: false, reason: 'the answer has no "reply" string' }
    if (reply.length > MAX_BODY) return { ok: false, reason: `the reply is ${reply.length} characters; the most is ${MAX_BODY}` }
    return { ok: true, reply }
  } catch (err) {
    if (signal.aborted) return { ok: false, reason: `no answer within ${config.timeoutMs} ms` }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return { ok: false, reason: `could not reach the service (${cause?.code ?? cause?.message ?? (err as Error).message})` }
  }
}

/** The forwarder the webhook uses (see answer.ts): this module's POST, with FORWARD_URL's settings. */
export function forwarderTo(
  config: ForwardConfig,
  doFetch: typeof fetch = fetch,
): { timeoutMs: number; send: (message: ForwardedMessage, now: Date) => Promise<ForwardResult> } {
  return { timeoutMs: config.timeoutMs, send: (message, now) => forwardMessage(config, message, now, doFetch) }
}
