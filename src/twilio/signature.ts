// Guards Twilio's webhooks (/sms, /sms/status): small form bodies only, and X-Twilio-Signature checked cheaply first.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SignatureRefusal } from '../outcome.js'
import { publicHref } from '../config.js'

export interface WebhookGuardOptions {
  authToken: string
  publicUrl: URL | undefined
}

/** Twilio's webhooks are a few dozen parameters and a 1 600-character body at most. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024
export const WEBHOOK_MAX_PARAMS = 100

/** An HMAC-SHA1 in base64: 28 characters, the last one '='. Anything else is refused before any work. */
const SIGNATURE = /^[A-Za-z0-9+/]{27}=$/

class WebhookRefusal extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Parses a form body into string values; a repeated key or more than WEBHOOK_MAX_PARAMS keys is refused. */
export function parseWebhookForm(body: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null) as Record<string, string>
  let count = 0
  for (const [key, value] of new URLSearchParams(body)) {
    if (++count > WEBHOOK_MAX_PARAMS)
      throw new WebhookRefusal(413, 'TOO_MANY_PARAMETERS', `A webhook carries at most ${WEBHOOK_MAX_PARAMS} parameters.`)
    if (key in params) throw new WebhookRefusal(400, 'REPEATED_PARAMETER', 'A webhook parameter appears twice.')
    params[key] = value
  }
  return params
}

/** The URL Twilio signed: PUBLIC_URL + path and query, or the request's own URL (X-Forwarded-* only from a trusted proxy). */
export function webhookUrl(request: FastifyRequest, publicUrl: URL | undefined): string {
  if (publicUrl !== undefined) return publicHref(publicUrl, request.url)
  return `${request.protocol}://${request.host}${request.url}`
}

/**
 * The URL as given, and the same URL with its default port added or removed (Twilio may sign either): at most two.
 * Throws on a URL that does not parse (an odd Host header, an absolute-form request target).
 */
export function candidateUrls(url: string): string[] {
  const parsed = new URL(url)
  if (parsed.host === '' || !url.startsWith(`${parsed.protocol}//`)) throw new Error('not an absolute http URL')
  const defaultPort = parsed.protocol === 'https:' ? '443' : '80'
  const rest = url.slice(`${parsed.protocol}//${parsed.host}`.length)
  const hostOnly = parsed.host.replace(/:\d+$/, '')
  const alternate = /:\d+$/.test(parsed.host)
    ? `${parsed.protocol}//${hostOnly}${rest}`
    : `${parsed.protocol}//${hostOnly}:${defaultPort}${rest}`
  return alternate === url ? [url] : [url, alternate]
}

/** Twilio's algorithm: the URL followed by every parameter's name and value, sorted by name, HMAC-SHA1 in base64. */
export function expectedSignature(authToken: string, url: string, params: Record<string, string>): string {
  let signed = url
  for (const key of Object.keys(params).sort()) signed += key + (params[key] as string)
  return createHmac('sha1', authToken).update(signed).digest('base64')
}

/** Refuses before the body is read; the connection is closed, so a sender of a large or stalled body keeps nothing open. */
function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
  why: string,
  reason: SignatureRefusal,
) {
  request.log.warn(`webhook refused: ${why}`)
  request.outcome = { kind: 'refusal', reason }
  return reply.code(status).header('connection', 'close').send({ error, message })
}

/**
 * Sets up an encapsulated context for Twilio's webhooks: only application/x-www-form-urlencoded up to
 * WEBHOOK_BODY_LIMIT, a signature header of the right shape before the body is read, and then one HMAC per
 * candidate URL (two at most). Any failure of the check is a 4xx.
 */
export function guardTwilioWebhooks(app: FastifyInstance, options: WebhookGuardOptions): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => {
      try {
        done(null, parseWebhookForm(body as string))
      } catch (err) {
        done(err as Error, undefined)
      }
    },
  )

  app.addHook('onRequest', async (request, reply) => {
    const signature = request.headers['x-twilio-signature']
    if (typeof signature !== 'string' || signature === '') {
      return refuse(
        request,
        reply,
        400,
        'missing_signature',
        'The X-Twilio-Signature header is required.',
        'no X-Twilio-Signature header',
        'missing',
      )
    }
    if (!SIGNATURE.test(signature)) {
      return refuse(
        request,
        reply,
        403,
        'invalid_signature',
        'The X-Twilio-Signature is not a Twilio signature.',
        'malformed X-Twilio-Signature',
        'malformed',
      )
    }
  })

  app.addHook('preValidation', async (request, reply) => {
    const given = Buffer.from(request.headers['x-twilio-signature'] as string)
    const params = (request.body ?? {}) as Record<string, string>
    const signs = (url: string) => {
      const expected = Buffer.from(expectedSignature(options.authToken, url, params))
      return expected.length === given.length && timingSafeEqual(expected, given)
    }
    const url = webhookUrl(request, options.publicUrl)
    // The URL as it came is what Twilio signs almost always; the other spelling of its port only when that fails.
    if (signs(url)) return
    let candidates: string[]
    try {
      candidates = candidateUrls(url)
    } catch {
      return refuse(
        request,
        reply,
        403,
        'invalid_signature',
        'The X-Twilio-Signature does not match this request.',
        'the request URL does not parse',
        'bad_url',
      )
    }
    if (candidates.slice(1).some(signs)) return
    request.log.warn({ url: (candidates[0] as string).replace(/\?.*$/, '') }, 'webhook refused: signature does not match')
    request.outcome = { kind: 'refusal', reason: 'mismatch' }
    return reply.code(403).send({
      error: 'invalid_signature',
      message: 'The X-Twilio-Signature does not match this request. Check TWILIO_AUTH_TOKEN and PUBLIC_URL.',
    })
  })
}
