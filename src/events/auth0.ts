// The Auth0 write-back: the current verified phone of a subject's profile, written to that Auth0 user's app_metadata.phone.
import type { Clock } from '../clock.js'
import { publicHref, type Auth0Config } from '../config.js'
import type { EventRow } from '../schema.js'
import { retryAfterMs } from './backoff.js'
import { discard, networkError, oneLineOf, readSome, REQUEST_TIMEOUT_MS, type Attempt } from './attempt.js'
import type { Auth0PhoneData } from './queries.js'

export interface Auth0Options {
  config: Auth0Config
  /** Tells when a cached token has expired. */
  clock: Pick<Clock, 'now'>
  /**
   * The phone verified by the profile of this subject now, or null when it has none. Read at each attempt, not
   * stored in the row: attempts that cross or come out of order all write what is true when they run.
   */
  currentPhone(subject: string): Promise<string | null>
  fetch?: typeof fetch
}

export interface Auth0Writer {
  /** One attempt at one `auth0.phone` row. */
  write(row: EventRow): Promise<Attempt>
}

/** A token is used until this long before Auth0 says it expires (or half its life, for a short-lived one). */
const TOKEN_MARGIN_MS = 60_000

interface Token {
  value: string
  /** On the injected clock. */
  usableUntil: number
}

/** Auth0's answers say why in `message` (Management API) or `error_description` (token endpoint); else the body's start. */
function reasonOf(text: string): string {
  try {
    const json = JSON.parse(text) as { message?: unknown; error_description?: unknown; error?: unknown }
    for (const reason of [json.message, json.error_description, json.error]) if (typeof reason === 'string') return oneLineOf(reason)
  } catch {
    // Not JSON (a proxy's page): its start will do.
  }
  return oneLineOf(text)
}

async function refusal(response: Response, what: string): Promise<string> {
  const reason = reasonOf(await readSome(response))
  return `${what} answered ${response.status}${reason === '' ? '' : `: ${reason}`}`
}

export function createAuth0Writer(options: Auth0Options): Auth0Writer {
  const { config, clock } = options
  const call = options.fetch ?? fetch
  const tokenUrl = publicHref(config.managementUrl, '/oauth/token')
  let cached: Token | undefined
  // One token request at a time: deliveries running side by side wait for the same answer.
  let pending: Promise<Token | Attempt> | undefined

  /** A new token by client credentials, or the attempt's failure (always retried: the write-back itself is not at fault). */
  async function requestToken(): Promise<Token | Attempt> {
    let response: Response
    try {
      response = await call(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: config.clientId,
          client_secret: config.clientSecret,
          audience: `https://${config.domain}/api/v2/`,
        }),
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (err) {
      return { outcome: 'retry', error: `Auth0 token: ${networkError(err)}` }
    }
    if (response.status !== 200) {
      const after = retryAfterMs(response.headers.get('retry-after'), clock.now())
      return { outcome: 'retry', error: await refusal(response, 'Auth0 token endpoint'), retryAfterMs: after }
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown }
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number' || body.expires_in <= 0) {
      return { outcome: 'retry', error: 'Auth0 token endpoint answered 200 without access_token and expires_in' }
    }
    const lifeMs = body.expires_in * 1000
    return { value: body.access_token, usableUntil: clock.now().getTime() + lifeMs - Math.min(TOKEN_MARGIN_MS, lifeMs / 2) }
  }

  /** The cached token while it is usable, else a new one (cached). */
  async function token(): Promise<Token | Attempt> {
    if (cached !== undefined && cached.usableUntil > clock.now().getTime()) return cached
    pending ??= requestToken().finally(() => (pending = undefined))
    const got = await pending
    if ('value' in got) cached = got
    return got
  }

  async function patch(subject: string, phone: string | null, token: Token): Promise<Response | Attempt> {
    try {
      return await call(publicHref(config.managementUrl, `/api/v2/users/${encodeURIComponent(subject)}`), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.value}` },
        body: JSON.stringify({ app_metadata: { phone } }),
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (err) {
      return { outcome: 'retry', error: `Auth0: ${networkError(err)}` }
    }
  }

  async function write(row: EventRow): Promise<Attempt> {
    const { subject } = JSON.parse(row.data) as Auth0PhoneData
    for (let refreshed = false; ; refreshed = true) {
      const current = await token()
      if (!('value' in current)) return current
      const phone = await options.currentPhone(subject)
      const response = await patch(subject, phone, current)
      if (!(response instanceof Response)) return response
      const status = response.status
      if (status >= 200 && status < 300) {
        await discard(response)
        // Another write for the subject may have run alongside with a newer phone and landed first: the phone is read
        // again, and when it changed since it was sent, this write goes again (soon) so that the last one is the truth.
        if ((await options.currentPhone(subject)) !== phone) {
          return { outcome: 'retry', error: 'the phone changed while Auth0 was written; writing it again', retryAfterMs: 0 }
        }
        return { outcome: 'delivered' }
      }
      // A token Auth0 no longer takes (revoked, or its keys rotated): a new one, once.
      if (status === 401 && !refreshed) {
        await discard(response)
        if (cached === current) cached = undefined
        continue
      }
      if (status === 429 || status >= 500 || (status >= 300 && status < 400)) {
        const after = retryAfterMs(response.headers.get('retry-after'), clock.now())
        return { outcome: 'retry', error: await refusal(response, 'Auth0'), retryAfterMs: after }
      }
      // Any other 4xx is Auth0 refusing this write (no such user, a bad payload): trying again would not change it.
      return { outcome: 'failed', error: await refusal(response, 'Auth0') }
    }
  }

  return { write }
}
