// Checks X-Twilio-Signature for every Twilio webhook (/sms, /sms/status) in preValidation: the body is parsed, not yet coerced.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify'
import twilio from 'twilio'

/** The URL Twilio signed: PUBLIC_URL + path and query, or the request's own URL (X-Forwarded-* only with TRUST_PROXY). */
export function webhookUrl(request: FastifyRequest, publicUrl: URL | undefined): string {
  if (publicUrl !== undefined) return publicUrl.href.replace(/\/$/, '') + request.url
  return `${request.protocol}://${request.host}${request.url}`
}

/**
 * The SDK's validateRequest tries the URL without its port, then with it: two HMACs for any URL with a port.
 * Checking the URL as rebuilt first costs one HMAC in the usual case; the SDK's check still decides the rest.
 */
function signedFor(authToken: string, signature: string, url: string, params: Record<string, unknown>): boolean {
  const expected = Buffer.from(twilio.getExpectedTwilioSignature(authToken, url, params as Record<string, string>))
  const given = Buffer.from(signature)
  if (expected.length === given.length && timingSafeEqual(expected, given)) return true
  return twilio.validateRequest(authToken, signature, url, params)
}

export function twilioSignatureCheck(authToken: string, publicUrl: URL | undefined): preValidationAsyncHookHandler {
  return async function checkTwilioSignature(request: FastifyRequest, reply: FastifyReply) {
    const signature = request.headers['x-twilio-signature']
    if (typeof signature !== 'string' || signature === '') {
      request.log.warn('webhook refused: no X-Twilio-Signature header')
      return reply.code(400).send({ error: 'missing_signature', message: 'The X-Twilio-Signature header is required.' })
    }
    const params = (request.body ?? {}) as Record<string, unknown>
    const url = webhookUrl(request, publicUrl)
    if (!signedFor(authToken, signature, url, params)) {
      request.log.warn({ url: url.replace(/\?.*$/, '') }, 'webhook refused: signature does not match')
      return reply.code(403).send({
        error: 'invalid_signature',
        message: 'The X-Twilio-Signature does not match this request. Check TWILIO_AUTH_TOKEN and PUBLIC_URL.',
      })
    }
  }
}
