// Operator API (/api, bearer token) and Twilio's delivery-status callback (POST /sms/status).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import { TOPIC_KEY } from '../sms/commands.js'
import { twilioSignatureCheck } from '../sms/signature.js'
import { closeTopic, listOpenTopics, saveTopic } from '../topics/queries.js'
import { bodyProblem, type Problem, problems } from './problems.js'
import { notificationProgress, publishToOpenTopic, recordDeliveryStatus } from './queries.js'

export interface NotifyRoutesOptions {
  db: Db
  clock: Clock
  adminToken: string | undefined
  authToken: string
  publicUrl: URL | undefined
}

const fail = (reply: FastifyReply, status: number, problem: Problem) => reply.code(status).send(problem)

const digest = (value: string) => createHash('sha256').update(value).digest()

const keyParams = { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 64 } } } as const

export async function notifyRoutes(app: FastifyInstance, options: NotifyRoutesOptions): Promise<void> {
  const { db, clock } = options

  app.post<{ Body: { MessageSid: string; MessageStatus: string; ErrorCode?: string } }>('/sms/status', {
    preValidation: twilioSignatureCheck(options.authToken, options.publicUrl),
    schema: {
      body: {
        type: 'object',
        required: ['MessageSid', 'MessageStatus'],
        properties: { MessageSid: { type: 'string', maxLength: 64 }, MessageStatus: { type: 'string', maxLength: 32 }, ErrorCode: { type: 'string', maxLength: 10 } },
      },
    },
  }, async (request, reply) => {
    const code = request.body.ErrorCode === undefined || request.body.ErrorCode === '' ? null : Number(request.body.ErrorCode)
    await recordDeliveryStatus(db, request.body.MessageSid, request.body.MessageStatus, Number.isFinite(code) ? code : null, clock.now())
    return reply.code(204).send()
  })

  await app.register(async (api) => {
    api.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (options.adminToken === undefined) return fail(reply, 503, problems.apiDisabled)
      const header = request.headers.authorization ?? ''
      const token = header.startsWith('Bearer ') ? header.slice(7) : ''
      // Comparing digests keeps the comparison constant-time whatever the lengths.
      if (!timingSafeEqual(digest(token), digest(options.adminToken))) {
        return fail(reply, 401, problems.unauthorized)
      }
    })

    api.get('/topics', async () => {
      const { topics } = await listOpenTopics(db)
      return { topics: topics.map((t) => ({ key: t.key, title: t.title, subscribers: t.subscribers, createdAt: t.created_at })) }
    })

    api.put<{ Params: { key: string }; Body: { title: string } }>('/topics/:key', {
      schema: { params: keyParams, body: { type: 'object', required: ['title'], properties: { title: { type: 'string', minLength: 1, maxLength: 120 } } } },
    }, async (request, reply) => {
      if (!TOPIC_KEY.test(request.params.key)) return fail(reply, 400, problems.invalidKey)
      const title = request.body.title.trim()
      if (title === '') return fail(reply, 400, problems.invalidTitle)
      const topic = await saveTopic(db, request.params.key, title, clock.now())
      return { key: topic.key, title: topic.title }
    })

    api.delete<{ Params: { key: string } }>('/topics/:key', { schema: { params: keyParams } }, async (request, reply) => {
      if (!(await closeTopic(db, request.params.key, clock.now()))) return fail(reply, 404, problems.noSuchTopic(request.params.key))
      return reply.code(204).send()
    })

    api.post<{ Params: { key: string }; Body: { body: string } }>('/topics/:key/notifications', {
      schema: { params: keyParams, body: { type: 'object', required: ['body'], properties: { body: { type: 'string' } } } },
    }, async (request, reply) => {
      const text = request.body.body.trim()
      const problem = bodyProblem(text)
      if (problem !== undefined) return fail(reply, 400, problem)
      const published = await publishToOpenTopic(db, request.params.key, text, clock.now())
      if (published === undefined) return fail(reply, 404, problems.noSuchTopic(request.params.key))
      return reply.code(202).send(published)
    })

    api.get<{ Params: { id: string } }>('/notifications/:id', {
      schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9]{1,15}$' } } } },
    }, async (request, reply) => {
      const progress = await notificationProgress(db, Number(request.params.id))
      if (progress === undefined) return fail(reply, 404, problems.noSuchNotification(request.params.id))
      return progress
    })
  }, { prefix: '/api' })
}
