// What one delivery attempt came to, and the HTTP details the webhook and Auth0 targets share.

/** The outcome of one attempt at one event: delivered, worth another attempt later, or refused for good. */
export type Attempt =
  { outcome: 'delivered' } | { outcome: 'retry'; error: string; retryAfterMs?: number | undefined } | { outcome: 'failed'; error: string }

/** How long one request may take, connecting included, before it counts as a failed attempt. */
export const REQUEST_TIMEOUT_MS = 10_000

/** Bytes of an answer's body read for last_error: enough for a reason, never a large page held in memory. */
const BODY_BYTES = 1024

/** The start of an answer's body as text (at most BODY_BYTES; the rest is never read), the connection released. */
export async function readSome(response: Response): Promise<string> {
  const reader = response.body?.getReader()
  if (reader === undefined) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < BODY_BYTES) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } catch {
    // A body cut off mid-way: what arrived is enough for a reason.
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(chunks).subarray(0, BODY_BYTES).toString('utf8')
}

/** Drops an answer's body unread (a 2xx says all there is to say), so that the connection is free again. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined)
}

/** Why a request got no answer, in a few words: a timeout, a refused connection, a name that did not resolve. */
export function networkError(err: unknown): string {
  const error = err as Error & { cause?: { code?: string; message?: string } }
  if (error.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
  const cause = error.cause
  if (cause?.code !== undefined) return `${error.message}: ${cause.code}`
  return cause?.message !== undefined ? `${error.message}: ${cause.message}` : error.message
}

/** An answer's body on one line, shortened: what last_error keeps of it. */
export function oneLineOf(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max)}…` : line
}
