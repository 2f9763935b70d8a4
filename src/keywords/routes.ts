// Operator API for keywords (/api/keywords, bearer token): words the bot answers with the operator's fixed reply.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import { fail, ProblemReply, requireAdminToken } from '../operator-api.js'
import { checkKeyword, keywordProblems } from '../sms/keywords.js'
import { segmentsOf } from '../sms/segments.js'
import { listKeywords, normalizeKeyword, removeKeyword, saveKeyword } from './queries.js'

export interface KeywordRoutesOptions {
  db: Db
  clock: Clock
  adminToken: string | undefined
}

const WordParams = Type.Object({ word: Type.String({ maxLength: 64 }) })
const KeywordReply = Type.Object({ word: Type.String(), reply: Type.String(), segments: Type.Integer() })
const KeywordsReply = Type.Object({
  keywords: Type.Array(Type.Object({ word: Type.String(), reply: Type.String(), segments: Type.Integer(), updatedAt: Type.String() })),
})

/** Registered with prefix /api. */
export async function keywordRoutes(plain: FastifyInstance, options: KeywordRoutesOptions): Promise<void> {
  const api = plain.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = options
  api.addHook('onRequest', requireAdminToken(options.adminToken))

  api.get('/keywords', { schema: { response: { 200: KeywordsReply, '4xx': ProblemReply, '5xx': ProblemReply } } }, async () => ({
    keywords: (await listKeywords(db)).map((k) => ({ ...k, segments: segmentsOf(k.reply) })),
  }))

  api.put('/keywords/:word', {
    schema: {
      params: WordParams,
      body: Type.Object({ reply: Type.String({ maxLength: 10_000 }) }),
      response: { 200: KeywordReply, '4xx': ProblemReply, '5xx': ProblemReply },
    },
  }, async (request, reply) => {
    const checked = checkKeyword(request.params.word, request.body.reply)
    if (!checked.ok) return fail(reply, checked.status, checked.problem)
    await saveKeyword(db, checked.word, checked.reply, clock.now())
    return { word: checked.word, reply: checked.reply, segments: checked.segments }
  })

  api.delete('/keywords/:word', { schema: { params: WordParams, response: { 204: Type.Null(), '4xx': ProblemReply, '5xx': ProblemReply } } }, async (request, reply) => {
    if (!(await removeKeyword(db, request.params.word))) return fail(reply, 404, keywordProblems.noSuchKeyword(normalizeKeyword(request.params.word)))
    return reply.code(204).send(null)
  })
}
