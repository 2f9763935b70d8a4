// Operator API (/api, bearer token): topics, notifications, consent records; and Twilio's delivery-status callback (POST /sms/status).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { consentCsv } from '../consent/csv.js'
import { consentRecords } from '../consent/queries.js'
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import { fail, ProblemReply, requireAdminToken } from '../operator-api.js'
import { TOPIC_KEY } from '../topics/keys.js'
import { closeTopic, listOpenTopics, saveTopic } from '../topics/queries.js'
import { readBody, readSchedule, readTitle, problems } from './problems.js'
import { notificationProgress, publishToOpenTopic, recordDeliveryStatus } from './queries.js'

export interface NotifyRoutesOptions {
  db: Db
  clock: Clock
  adminToken: string | undefined
}

const KeyParams = Type.Object({ key: Type.String({ maxLength: 64 }) })
const TopicReply = Type.Object({ key: Type.String(), title: Type.String() })
const TopicsReply = Type.Object({
  topics: Type.Array(Type.Object({ key: Type.String(), title: Type.String(), subscribers: Type.Integer(), createdAt: Type.String() })),
})
const PublishedReply = Type.Object({ id: Type.Integer(), recipients: Type.Integer(), segments: Type.Integer() })
const ProgressReply = Type.Object({
  id: Type.Integer(),
  topic: Type.String(),
  recipients: Type.Integer(),
  segments: Type.Integer(),
  queued: Type.Integer(),
  scheduled: Type.Integer(),
  held: Type.Integer(),
  sent: Type.Integer(),
  delivered: Type.Integer(),
  failed: Type.Integer(),
  expired: Type.Integer(),
  done: Type.Boolean(),
  sendAt: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
})
const ConsentReply = Type.Object({
  phone: Type.String(),
  records: Type.Array(Type.Object({
    at: Type.String(),
    action: Type.String(),
    source: Type.String(),
    topic: Type.Union([Type.String(), Type.Null()]),
    detail: Type.Union([Type.String(), Type.Null()]),
  })),
})

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
    await recordDeliveryStatus(options.db, request.body.MessageSid, request.body.MessageStatus, Number.isFinite(code) ? code : null, options.clock.now())
    return reply.code(204).send()
  })
}

export async function notifyRoutes(plain: FastifyInstance, options: NotifyRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = options

  await app.register(async (plainApi) => {
    const api = plainApi.withTypeProvider<TypeBoxTypeProvider>()
    api.addHook('onRequest', requireAdminToken(options.adminToken))

    api.get('/topics', { schema: { response: { 200: TopicsReply, '4xx': ProblemReply, '5xx': ProblemReply } } }, async () => {
      const { topics } = await listOpenTopics(db)
      return { topics: topics.map((t) => ({ key: t.key, title: t.title, subscribers: t.subscribers, createdAt: t.created_at })) }
    })

    api.put('/topics/:key', {
      schema: {
        params: KeyParams,
        body: Type.Object({ title: Type.String({ minLength: 1, maxLength: 120 }) }),
        response: { 200: TopicReply, '4xx': ProblemReply, '5xx': ProblemReply },
      },
    }, async (request, reply) => {
      if (!TOPIC_KEY.test(request.params.key)) return fail(reply, 400, problems.invalidKey)
      const title = readTitle(request.body.title)
      if (!title.ok) return fail(reply, 400, title.problem)
      const topic = await saveTopic(db, request.params.key, title.title, clock.now())
      return { key: topic.key, title: topic.title }
    })

    api.delete('/topics/:key', { schema: { params: KeyParams, response: { 204: Type.Null(), '4xx': ProblemReply, '5xx': ProblemReply } } }, async (request, reply) => {
      if (!(await closeTopic(db, request.params.key, clock.now()))) return fail(reply, 404, problems.noSuchTopic(request.params.key))
      return reply.code(204).send(null)
    })

    api.post('/topics/:key/notifications', {
      schema: {
        params: KeyParams,
        body: Type.Object({
          body: Type.String(),
          /** ISO 8601: not sent before. */
          sendAt: Type.Optional(Type.String({ maxLength: 40 })),
          /** ISO 8601: not sent at or after; rows still waiting then end as expired. */
          expiresAt: Type.Optional(Type.String({ maxLength: 40 })),
        }),
        response: { 202: PublishedReply, '4xx': ProblemReply, '5xx': ProblemReply },
      },
    }, async (request, reply) => {
      const text = readBody(request.body.body)
      if (!text.ok) return fail(reply, 400, text.problem)
      const now = clock.now()
      const schedule = readSchedule(request.body.sendAt, request.body.expiresAt, now)
      if (!schedule.ok) return fail(reply, 400, schedule.problem)
      const published = await publishToOpenTopic(db, request.params.key, text.body, now, schedule)
      if (published === undefined) return fail(reply, 404, problems.noSuchTopic(request.params.key))
      return reply.code(202).send(published)
    })

    api.get('/notifications/:id', {
      schema: {
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) }),
        response: { 200: ProgressReply, '4xx': ProblemReply, '5xx': ProblemReply },
      },
    }, async (request, reply) => {
      const progress = await notificationProgress(db, Number(request.params.id), clock.now())
      if (progress === undefined) return fail(reply, 404, problems.noSuchNotification(request.params.id))
      return progress
    })

    // A phone's consent record, oldest first: JSON, or CSV for Accept: text/csv.
    api.get('/phones/:phone/consent', {
      schema: {
        params: Type.Object({ phone: Type.String({ maxLength: 40 }) }),
        response: { 200: ConsentReply, '4xx': ProblemReply, '5xx': ProblemReply },
      },
    }, async (request, reply) => {
      const parsed = parsePhoneNumberFromString(request.params.phone.trim())
      if (parsed === undefined || !parsed.isPossible()) return fail(reply, 400, problems.invalidPhone(request.params.phone))
      const records = await consentRecords(db, parsed.number)
      if (/\btext\/csv\b/i.test(request.headers.accept ?? '')) {
        // A string with its own content type is sent as it is, not through the JSON response schema.
        const csv: unknown = consentCsv(parsed.number, records)
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="consent-${parsed.number.slice(1)}.csv"`).send(csv as never)
      }
      return { phone: parsed.number, records }
    })
  }, { prefix: '/api' })
}
