// POST /sms: Twilio's inbound-message webhook, answered with TwiML.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { maskPhone } from '../log.js'
import { twilioSignatureCheck } from '../twilio/signature.js'
import { answerSms, type AnswerContext } from './answer.js'
import { replies } from './replies.js'
import { toTwiml } from './twiml.js'

export interface SmsRoutesOptions {
  authToken: string
  publicUrl: URL | undefined
  context: Omit<AnswerContext, 'signupUrl'>
}

const Inbound = Type.Object({
  MessageSid: Type.String({ minLength: 1, maxLength: 64 }),
  From: Type.String({ minLength: 1, maxLength: 64 }),
  Body: Type.String({ default: '' }),
  NumMedia: Type.Integer({ minimum: 0, default: 0 }),
})

export async function smsRoutes(plain: FastifyInstance, options: SmsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const checkSignature = twilioSignatureCheck(options.authToken, options.publicUrl)

  app.post('/sms', { schema: { body: Inbound }, preValidation: checkSignature }, async (request, reply) => {
    const origin = options.publicUrl?.href.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`
    const context: AnswerContext = {
      ...options.context,
      signupUrl: (phone) => `${origin}/verify?phone=${encodeURIComponent(phone)}`,
    }
    const { MessageSid, From, Body, NumMedia } = request.body
    let twiml: string
    try {
      const answer = await answerSms(context, { messageSid: MessageSid, from: From, body: Body, numMedia: NumMedia })
      twiml = toTwiml(answer.reply)
      request.logFields = { from: maskPhone(From), command: answer.command }
    } catch (err) {
      request.log.error({ err, from: maskPhone(From) }, 'sms failed; answered with the failure reply')
      twiml = toTwiml(replies.failure)
    }
    return reply.type('text/xml; charset=utf-8').send(twiml)
  })
}
