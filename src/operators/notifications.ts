// Notifications as operators send and follow them (/api/topics/:key/notifications, /api/notifications/:id, smsbot notify
// and progress): checked here, queued and counted by notify/queries.ts.
import { Type, type Static } from 'typebox'
import { inTransaction } from '../database.js'
import { notificationProgress, publishToOpenTopic, type Progress, type Published } from '../notify/queries.js'
import { actorName, recordOperatorAction } from './audit.js'
import type { OperatorDeps, ReadDeps } from './deps.js'
import { problems, readBody, readSchedule, refuse, type Result } from './problems.js'

/** The largest notification id: an integer column, 32 bits on PostgreSQL. */
export const MAX_ID = 2_147_483_647

export const PublishRequest = Type.Object({
  body: Type.String(),
  /** ISO 8601: not sent before. */
  sendAt: Type.Optional(Type.String({ maxLength: 40 })),
  /** ISO 8601: not sent at or after; rows still waiting then end as expired. */
  expiresAt: Type.Optional(Type.String({ maxLength: 40 })),
})
export type PublishRequest = Static<typeof PublishRequest>

/**
 * Queues a notification for every subscriber of an open topic who can receive it: the text without control
 * characters, at most MAX_BODY; sendAt and expiresAt as readSchedule takes them.
 */
export async function publish(
  { db, clock, actor }: OperatorDeps,
  key: string,
  request: PublishRequest,
  publishKey?: string,
): Promise<Result<Published>> {
  const text = readBody(request.body)
  if (!text.ok) return refuse(400, text.problem)
  const now = clock.now()
  const schedule = readSchedule(request.sendAt, request.expiresAt, now)
  if (!schedule.ok) return refuse(400, schedule.problem)
  const published = await inTransaction(db, async (trx) => {
    const publication = await publishToOpenTopic(trx, key, text.body, now, { ...schedule, publishedBy: actorName(actor), publishKey })
    if (publication !== undefined && publication.repeated !== true) {
      await recordOperatorAction(trx, actor, 'notification.publish', String(publication.id), key, now)
    }
    return publication
  })
  if (published === undefined) return refuse(404, problems.noSuchTopic(key))
  return { ok: true, value: { id: published.id, recipients: published.recipients, segments: published.segments } }
}

/** A notification's progress; `id` as a number, or as the operator typed it (a refusal names it so). */
export async function progress({ db, clock }: ReadDeps, id: number | string): Promise<Result<Progress>> {
  // Ids are 32-bit integers on PostgreSQL: a larger one names no notification (and must not reach the query).
  if (!Number.isSafeInteger(Number(id)) || Number(id) > MAX_ID) return refuse(404, problems.noSuchNotification(id))
  const found = await notificationProgress(db, Number(id), clock.now())
  if (found === undefined) return refuse(404, problems.noSuchNotification(id))
  return { ok: true, value: found }
}
