// Twilio's delivery-status callback (POST /sms/status): Twilio says how a sent message fared, the outbox records it.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import { recordDeliveryStatus } from './queries.js'

const StatusCallback = Type.Object({
  MessageSid: Type.String({ maxLength: 64 }),
  MessageStatus: Type.String({ maxLength: 32 }),
  ErrorCode: Type.Optional(Type.String({ maxLength: 10 })),
})

/** Twilio's delivery-status callback; registered inside the Twilio webhook guard (twilio/signature.ts). */
export async function statusRoutes(plain: FastifyInstance, options: { db: Db; clock: Clock }): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  app.post('/sms/status', { schema: { body: StatusCallback } }, async (request, reply) => {
    const code = request.body.ErrorCode === undefined || request.body.ErrorCode === '' ? null : Number(request.body.ErrorCode)
    await recordDeliveryStatus(
      options.db,
      request.body.MessageSid,
      request.body.MessageStatus,
      Number.isFinite(code) ? code : null,
      options.clock.now(),
    )
    return reply.code(204).send()
  })
}
