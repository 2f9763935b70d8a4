// POST /sms: Twilio's inbound-message webhook, answered with TwiML.
import type { FastifyInstance } from 'fastify'
import twilio from 'twilio'
import { maskPhone } from '../log.js'
import { answerSms, type AnswerContext } from './answer.js'
import { replies } from './replies.js'
import { twilioSignatureCheck } from './signature.js'

export interface SmsRoutesOptions {
  authToken: string
  publicUrl: URL | undefined
  context: Omit<AnswerContext, 'signupUrl'>
}

/** Characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE/U+FFFF); the TwiML builder throws on them. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

export function toTwiml(text: string): string {
  const response = new twilio.twiml.MessagingResponse()
  if (text !== '') response.message(text.replace(NOT_XML, ''))
  return response.toString()
}

const inboundSchema = {
  body: {
    type: 'object',
    required: ['MessageSid', 'From'],
    properties: {
      MessageSid: { type: 'string', minLength: 1, maxLength: 64 },
      From: { type: 'string', minLength: 1, maxLength: 64 },
      Body: { type: 'string', default: '' },
      NumMedia: { type: 'integer', minimum: 0, default: 0 },
    },
  },
} as const

interface InboundBody {
  MessageSid: string
  From: string
  Body: string
  NumMedia: number
}

export async function smsRoutes(app: FastifyInstance, options: SmsRoutesOptions): Promise<void> {
  const checkSignature = twilioSignatureCheck(options.authToken, options.publicUrl)

  app.post<{ Body: InboundBody }>('/sms', { schema: inboundSchema, preValidation: checkSignature }, async (request, reply) => {
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
      request.log.info({ from: maskPhone(From), command: answer.command }, 'sms answered')
    } catch (err) {
      request.log.error({ err, from: maskPhone(From) }, 'sms failed; answered with the failure reply')
      twiml = toTwiml(replies.failure)
    }
    return reply.type('text/xml; charset=utf-8').send(twiml)
  })
}
