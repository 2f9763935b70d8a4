// POST /sms: Twilio's inbound-message webhook, answered with TwiML.
import { createHmac } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { MAX_BODY } from '../copy/segments.js'
import { maskPhone } from '../log.js'
import { createLinkToken } from '../verify/links.js'
import { answerSms, failureReply, type AnswerContext } from './answer.js'
import { toTwiml } from './twiml.js'
import { publicHref } from '../config.js'

/** The link's one-time id, made from the MessageSid: the same text always gets the same link (a retry included). */
function linkId(secret: string, messageSid: string): string {
  return createHmac('sha256', secret).update(`signin-link-id:${messageSid}`).digest('base64url').slice(0, 12)
}

/** Registered inside the Twilio webhook guard (twilio/signature.ts), which checks the signature first. */
export interface SmsRoutesOptions {
  publicUrl: URL | undefined
  /** Signs the one-time links that texting S returns (SESSION_SECRET), and how long they work. */
  linkSecret: string
  linkTtlSeconds: number
  context: Omit<AnswerContext, 'signupUrl' | 'signupMinutes'>
}

const Inbound = Type.Object({
  MessageSid: Type.String({ minLength: 1, maxLength: 64 }),
  From: Type.String({ minLength: 1, maxLength: 64 }),
  To: Type.String({ maxLength: 64, default: '' }),
  // Twilio's limit, in code points (Ajv counts them as Twilio does): a longer Body is refused before any parsing.
  Body: Type.String({ default: '', maxLength: MAX_BODY }),
  NumMedia: Type.Integer({ minimum: 0, default: 0 }),
  OptOutType: Type.Optional(Type.String({ maxLength: 16 })),
})

export async function smsRoutes(plain: FastifyInstance, options: SmsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const linkToken = (phone: string, now: Date, messageSid: string) =>
    createLinkToken(options.linkSecret, phone, now, options.linkTtlSeconds, linkId(options.linkSecret, messageSid))

  app.post('/sms', { schema: { body: Inbound } }, async (request, reply) => {
    const origin = options.publicUrl === undefined ? `${request.protocol}://${request.host}` : publicHref(options.publicUrl)
    const context: AnswerContext = {
      ...options.context,
      // A From behind a channel prefix (whatsapp:+1…) gets the plain form.
      signupUrl: (phone, now, messageSid) =>
        /^\+\d{6,15}$/.test(phone) ? `${origin}/verify/link?t=${linkToken(phone, now, messageSid)}` : `${origin}/verify`,
      signupMinutes: Math.round(options.linkTtlSeconds / 60),
    }
    const { MessageSid, From, To, Body, NumMedia, OptOutType } = request.body
    let twiml: string
    try {
      const answer = await answerSms(context, {
        messageSid: MessageSid,
        from: From,
        to: To,
        body: Body,
        numMedia: NumMedia,
        optOutType: OptOutType,
      })
      twiml = toTwiml(answer.reply)
      request.outcome = { kind: 'sms', from: From, command: answer.command }
      if (answer.forwardFailure !== undefined) {
        request.log.warn({ from: maskPhone(From), reason: answer.forwardFailure }, 'forward failed; answered with the usual reply')
      }
    } catch (err) {
      request.log.error({ err, from: maskPhone(From) }, 'sms failed; answered with the failure reply')
      twiml = toTwiml(await failureReply(options.context.db, From))
    }
    return reply.type('text/xml; charset=utf-8').send(twiml)
  })
}
