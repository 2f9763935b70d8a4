// The operator API's routes: thin callers of the actions. app.ts registers them under /api, behind the bearer token.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { consentCsv } from '../consent/csv.js'
import { Progress, Published } from '../notify/queries.js'
import { fail, ProblemReply } from './api.js'
import { consentOf, ConsentReply } from './consent.js'
import type { OperatorDeps } from './deps.js'
import { KeywordReply, KeywordRequest, KeywordsReply, listKeywords, removeKeyword, saveKeyword } from './keywords.js'
import { lookUpPhone, lookUpProfile, PhoneReply, ProfileReply } from './lookup.js'
import { progress, publish, PublishRequest } from './notifications.js'
import type { Result } from './problems.js'
import { closeTopic, listTopics, saveTopic, TopicReply, TopicRequest, TopicsReply } from './topics.js'

const KeyParams = Type.Object({ key: Type.String({ maxLength: 64 }) })
const WordParams = Type.Object({ word: Type.String({ maxLength: 64 }) })
const problemReplies = { '4xx': ProblemReply, '5xx': ProblemReply }

/** The action's result with `status` (200 unless said), or its refusal; 204 sends nothing. */
function answer<T>(reply: FastifyReply, result: Result<T>, status = 200) {
  if (!result.ok) return fail(reply, result.status, result.problem)
  return reply.code(status).send(status === 204 ? null : result.value)
}

export async function topicRoutes(plain: FastifyInstance, deps: OperatorDeps): Promise<void> {
  const api = plain.withTypeProvider<TypeBoxTypeProvider>()

  api.get('/topics', { schema: { response: { 200: TopicsReply, ...problemReplies } } }, async () => listTopics(deps))

  api.put(
    '/topics/:key',
    {
      schema: { params: KeyParams, body: TopicRequest, response: { 200: TopicReply, ...problemReplies } },
    },
    async (request, reply) => answer(reply, await saveTopic(deps, request.params.key, request.body.title)),
  )

  api.delete(
    '/topics/:key',
    {
      schema: { params: KeyParams, response: { 204: Type.Null(), ...problemReplies } },
    },
    async (request, reply) => answer(reply, await closeTopic(deps, request.params.key), 204),
  )
}

export async function notificationRoutes(plain: FastifyInstance, deps: OperatorDeps): Promise<void> {
  const api = plain.withTypeProvider<TypeBoxTypeProvider>()

  api.post(
    '/topics/:key/notifications',
    {
      schema: { params: KeyParams, body: PublishRequest, response: { 202: Published, ...problemReplies } },
    },
    async (request, reply) => answer(reply, await publish(deps, request.params.key, request.body), 202),
  )

  api.get(
    '/notifications/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) }),
        response: { 200: Progress, ...problemReplies },
      },
    },
    async (request, reply) => answer(reply, await progress(deps, request.params.id)),
  )
}

const PhoneParams = Type.Object({ phone: Type.String({ maxLength: 40 }) })

/** Phones and profiles as operators and the team's application read them: a phone's consent record, and the lookups. */
export async function consentRoutes(plain: FastifyInstance, deps: OperatorDeps): Promise<void> {
  const api = plain.withTypeProvider<TypeBoxTypeProvider>()

  api.get('/phones/:phone', { schema: { params: PhoneParams, response: { 200: PhoneReply, ...problemReplies } } }, async (request, reply) =>
    answer(reply, await lookUpPhone(deps, request.params.phone)),
  )

  // The subject is checked by the action, so that a missing one is answered with the sentence that says what to give.
  api.get(
    '/profiles',
    {
      schema: {
        querystring: Type.Object({ subject: Type.Optional(Type.String({ maxLength: 255 })) }),
        response: { 200: ProfileReply, ...problemReplies },
      },
    },
    async (request, reply) => answer(reply, await lookUpProfile(deps, request.query.subject)),
  )

  // A phone's consent record, oldest first: JSON, or CSV for Accept: text/csv.
  api.get(
    '/phones/:phone/consent',
    {
      schema: { params: PhoneParams, response: { 200: ConsentReply, ...problemReplies } },
    },
    async (request, reply) => {
      const found = await consentOf(deps, request.params.phone)
      if (found.ok && /\btext\/csv\b/i.test(request.headers.accept ?? '')) {
        const { phone, records } = found.value
        // A string with its own content type is sent as it is, not through the JSON response schema.
        const csv: unknown = consentCsv(phone, records)
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="consent-${phone.slice(1)}.csv"`)
          .send(csv as never)
      }
      return answer(reply, found)
    },
  )
}

export async function keywordRoutes(plain: FastifyInstance, deps: OperatorDeps): Promise<void> {
  const api = plain.withTypeProvider<TypeBoxTypeProvider>()

  api.get('/keywords', { schema: { response: { 200: KeywordsReply, ...problemReplies } } }, async () => listKeywords(deps))

  api.put(
    '/keywords/:word',
    {
      schema: { params: WordParams, body: KeywordRequest, response: { 200: KeywordReply, ...problemReplies } },
    },
    async (request, reply) => answer(reply, await saveKeyword(deps, request.params.word, request.body.reply)),
  )

  api.delete(
    '/keywords/:word',
    {
      schema: { params: WordParams, response: { 204: Type.Null(), ...problemReplies } },
    },
    async (request, reply) => answer(reply, await removeKeyword(deps, request.params.word), 204),
  )
}
