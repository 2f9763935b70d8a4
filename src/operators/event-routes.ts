// The operator API's events routes: list events by status, send one again. app.ts registers them under /api, behind the bearer token.
// Here, not in events/: events/ is an owner the other owners write through, and the API's channel sits above them all.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import type { Clock } from '../clock.js'
import { inTransaction, type Db } from '../database.js'
import { EventView, listEvents, retryEvent } from '../events/queries.js'
import { fail, ProblemReply } from './api.js'
import { recordOperatorAction } from './audit.js'

export interface EventRoutesDeps {
  db: Db
  clock: Clock
}

const EventsQuery = Type.Object({
  status: Type.Union([Type.Literal('failed'), Type.Literal('queued'), Type.Literal('sending'), Type.Literal('delivered')], {
    default: 'failed',
  }),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
})
const EventsReply = Type.Object({ events: Type.Array(EventView) })
const EventParams = Type.Object({ id: Type.String({ maxLength: 100 }) })
const problemReplies = { '4xx': ProblemReply, '5xx': ProblemReply }

const noSuchEvent = (id: string) => ({ error: 'no_such_event', message: `There is no event ${id}.` })
const stillWaiting = (id: string, status: string) => ({
  error: 'event_waiting',
  message: `Event ${id} is ${status}: it will be tried without a retry (see nextAttemptAt).`,
})

export async function eventRoutes(plain: FastifyInstance, deps: EventRoutesDeps): Promise<void> {
  const api = plain.withTypeProvider<TypeBoxTypeProvider>()

  // Failed events by default: the ones an operator may want to send again. Newest first.
  api.get('/events', { schema: { querystring: EventsQuery, response: { 200: EventsReply, ...problemReplies } } }, async (request) => ({
    events: await listEvents(deps.db, request.query.status, request.query.limit),
  }))

  // Queued again as it was (same webhook-id, timestamp and data), with a fresh 24 hours of attempts.
  api.post(
    '/events/:id/retry',
    { schema: { params: EventParams, response: { 202: EventView, ...problemReplies } } },
    async (request, reply) => {
      const { id } = request.params
      const now = deps.clock.now()
      // Recorded like every operator action, in the retry's transaction (only when it queued the event again).
      const retried = await inTransaction(deps.db, async (trx) => {
        const result = await retryEvent(trx, id, now)
        if (result?.queued === true) await recordOperatorAction(trx, 'api', 'event.retry', id, result.event.type, now)
        return result
      })
      if (retried === undefined) return fail(reply, 404, noSuchEvent(id))
      if (!retried.queued) return fail(reply, 409, stillWaiting(id, retried.event.status))
      return reply.code(202).send(retried.event)
    },
  )
}
