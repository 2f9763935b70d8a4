// Notifications and their outbox: publish in one transaction, claim with leases, record outcomes and delivery status.
import { randomUUID } from 'node:crypto'
import { inTransaction, isPostgres, serialize, skipLocked, type Db } from '../database.js'
import { emitEvent, emitEvents, eventTargets, type SmsbotEvent } from '../events/queries.js'
import type { ExpressionBuilder, UpdateObject } from 'kysely'
import { Type, type Static } from 'typebox'
import type { Database, OutboxRow, OutboxStatus } from '../schema.js'
import { normalizeTopicKey } from '../topics/keys.js'
import { audienceOf, findOpenTopic } from '../topics/queries.js'
import { markInvalid, phoneLock, setOptedOut } from '../phones/queries.js'
import { decideCallbackFailure } from './failure-policy.js'
import { framedSegments } from './framing.js'

/** A notification as published: the API's 202 answer (POST /api/topics/:key/notifications). */
export const Published = Type.Object({ id: Type.Integer(), recipients: Type.Integer(), segments: Type.Integer() })
export type Published = Static<typeof Published>

/** What publishing did: `repeated` when its one-time key had been used, and the notification is that first one. */
export type Publication = Published & { repeated?: true }

/** When a notification may go: not before `sendAt` (at once when unset), and not at or after `expiresAt` (see scheduleProblem). */
export interface Schedule {
  sendAt?: Date | undefined
  expiresAt?: Date | undefined
  /** Who publishes it (notifications.published_by): an operator's profile id, `api` or `cli`. */
  publishedBy?: string | undefined
  /** A one-time key: a second publication with the same key queues nothing and answers the first one. */
  publishKey?: string | undefined
}

/**
 * Writes the notification and one queued outbox row per subscriber who is not opted out (or known invalid). A
 * scheduled notification's rows are due at `sendAt`; each row carries the expiry, which claims check. A notification
 * nobody can receive is finished as it is published (and, with the webhook on, says so).
 */
export async function enqueueNotification(
  db: Db,
  topicKey: string,
  body: string,
  now: Date,
  schedule: Schedule = {},
): Promise<Publication> {
  // What each recipient gets: the body with its footer (see framing.ts).
  const segments = framedSegments(body, normalizeTopicKey(topicKey))
  const at = now.toISOString()
  const sendAt = schedule.sendAt?.toISOString() ?? null
  const expiresAt = schedule.expiresAt?.toISOString() ?? null
  const key = normalizeTopicKey(topicKey)
  return inTransaction(db, async (trx) => {
    // The key is claimed first, by the unique index: of two publications with one key, the second finds the first.
    const claimed = await trx
      .insertInto('notifications')
      .values({
        topic_key: key,
        body,
        segments,
        recipients: 0,
        created_at: at,
        send_at: sendAt,
        expires_at: expiresAt,
        published_by: schedule.publishedBy ?? null,
        publish_key: schedule.publishKey ?? null,
      })
      .onConflict((oc) => oc.column('publish_key').doNothing())
      .returning('id')
      .executeTakeFirst()
    if (claimed === undefined) {
      const first = await trx
        .selectFrom('notifications')
        .select(['id', 'recipients', 'segments'])
        .where('publish_key', '=', schedule.publishKey ?? '')
        .executeTakeFirstOrThrow()
      return { ...first, repeated: true }
    }
    const notification = claimed
    const inserted = await trx
      .insertInto('outbox')
      .columns(['notification_id', 'phone', 'status', 'attempts', 'next_attempt_at', 'updated_at', 'expires_at'])
      .expression((eb) =>
        eb
          .selectFrom(audienceOf(trx, key).as('audience'))
          .select((s) => [
            s.val(notification.id).as('notification_id'),
            'audience.phone',
            s.val('queued').as('status'),
            s.val(0).as('attempts'),
            s.val(sendAt ?? at).as('next_attempt_at'),
            s.val(at).as('updated_at'),
            s.val(expiresAt).as('expires_at'),
          ]),
      )
      .executeTakeFirst()
    const recipients = Number(inserted.numInsertedOrUpdatedRows ?? 0n)
    const finished = recipients === 0 && eventTargets(trx).webhook
    await trx
      .updateTable('notifications')
      .set({ recipients, ...(finished ? { finished_at: at } : {}) })
      .where('id', '=', notification.id)
      .execute()
    if (finished) {
      const data = { id: notification.id, topic: key, recipients, sent: 0, delivered: 0, failed: 0, expired: 0 }
      await emitEvent(trx, { type: 'notification.finished', data }, now)
    }
    return { id: notification.id, recipients, segments }
  })
}

/** Publishes to an open topic; undefined when there is no open topic with that key (the API and the CLI say so). */
export async function publishToOpenTopic(
  db: Db,
  topicKey: string,
  body: string,
  now: Date,
  schedule: Schedule = {},
): Promise<Publication | undefined> {
  if ((await findOpenTopic(db, topicKey)) === undefined) return undefined
  return enqueueNotification(db, topicKey, body, now, schedule)
}

/** What a claim holds: the row and the claim's token. */
export type ClaimedRow = OutboxRow & { claim_token: string }

/** The whole deployment's send rate: one slot every `intervalMs`; a slot up to `latenessMs` old keeps the schedule. */
export interface SendRate {
  intervalMs: number
  latenessMs: number
}

/**
 * Takes the next `count` send slots (epoch ms; the first is returned, the others follow it an interval apart) on the
 * deployment's one schedule, in one atomic statement: every instance's sends together keep to the rate. The schedule
 * is kept while it is current (a turn a little late keeps it, so the rate does not drift); one left behind (no work
 * for a while) starts again from now, so idle time builds up no burst.
 */
export async function takeSendSlot(db: Db, now: Date, rate: SendRate, count = 1): Promise<number> {
  const nowMs = now.getTime()
  const span = rate.intervalMs * count
  const row = await db
    .updateTable('send_schedule')
    .set((eb) => ({
      next_slot_ms: eb(
        eb
          .case()
          .when('next_slot_ms', '>=', nowMs - rate.latenessMs)
          .then(eb.ref('next_slot_ms'))
          .else(nowMs)
          .end(),
        '+',
        span,
      ),
    }))
    .where('name', '=', 'outbox')
    .returning('next_slot_ms')
    .executeTakeFirstOrThrow()
  return Number(row.next_slot_ms) - span
}

/**
 * After a turn that ended late (at `now`, not `slot`), the next slot keeps its distance from now; false when another
 * slot was taken since.
 */
export async function moveSchedule(db: Db, slot: number, now: Date, rate: SendRate): Promise<boolean> {
  const result = await db
    .updateTable('send_schedule')
    .set({ next_slot_ms: now.getTime() + rate.intervalMs })
    .where('name', '=', 'outbox')
    .where('next_slot_ms', '=', slot + rate.intervalMs)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/**
 * Claims up to `limit` rows that are due, or whose lease expired (left by a dead instance), under a new claim token.
 * A row with a Twilio sid is never claimed again. A due row whose notification expired ends as `expired` instead of
 * being claimed. On PostgreSQL the rows are locked with SKIP LOCKED, so instances claiming at once take different
 * rows; SQLite has one writer.
 */
export async function claimDue(db: Db, now: Date, leaseMs: number, limit: number): Promise<ClaimedRow[]> {
  const at = now.toISOString()
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString()
  const token = randomUUID()
  return db.transaction().execute(async (trx) => {
    // Two index searches (outbox_work_idx) rather than one OR, which made SQLite sort every due row to take a few.
    // A row with a sid is never queued or sending, and the updates below refuse one; the searches leave it out too,
    // so that one could never hold a claim's places. As coalesce(sid, '') = '' rather than sid IS NULL: SQLite would
    // answer IS NULL from the unique sid index, which holds every unsent row.
    const unsent = (eb: ExpressionBuilder<Database, 'outbox'>) => eb(eb.fn.coalesce('sid', eb.val('')), '=', '')
    const leaseExpired = await skipLocked(
      trx,
      trx
        .selectFrom('outbox')
        .select(['id', 'expires_at'])
        .where('status', '=', 'sending')
        .where('lease_until', '<', at)
        .where(unsent)
        .orderBy('id')
        .limit(limit),
    ).execute()
    const queued =
      leaseExpired.length >= limit
        ? []
        : await skipLocked(
            trx,
            trx
              .selectFrom('outbox')
              .select(['id', 'expires_at'])
              .where('status', '=', 'queued')
              .where('next_attempt_at', '<=', at)
              .where(unsent)
              .orderBy('next_attempt_at')
              .orderBy('id')
              .limit(limit - leaseExpired.length),
          ).execute()
    const found = [...leaseExpired, ...queued]
    const stale = found.filter((r) => r.expires_at !== null && r.expires_at <= at)
    if (stale.length > 0) {
      const expired = await trx
        .updateTable('outbox')
        .set({ status: 'expired', lease_until: null, held_at: null, updated_at: at })
        .where(
          'id',
          'in',
          stale.map((r) => r.id),
        )
        .where('sid', 'is', null)
        .returning('notification_id')
        .execute()
      if (eventTargets(trx).webhook)
        await finishNotifications(
          trx,
          expired.map((r) => r.notification_id),
          now,
        )
    }
    const due = stale.length === 0 ? found : found.filter((r) => !stale.includes(r))
    if (due.length === 0) return []
    const rows = await trx
      .updateTable('outbox')
      .set({ status: 'sending', lease_until: leaseUntil, claim_token: token, held_at: null, updated_at: at })
      .where(
        'id',
        'in',
        due.map((r) => r.id),
      )
      .where('sid', 'is', null)
      .returningAll()
      .execute()
    const order = new Map(due.map((r, i) => [r.id, i]))
    return rows.sort((a, b) => (order.get(a.id) as number) - (order.get(b.id) as number)).map((row) => ({ ...row, claim_token: token }))
  })
}

/** Who may write a claimed row's outcome: the holder of its current claim. */
export interface Claim {
  id: number
  claim_token: string | null
}

/** A notification's text, for the dispatcher. */
/** A notification's text and its topic (the footer names it). */
export async function notificationBody(db: Db, id: number): Promise<{ body: string; topicKey: string }> {
  const row = await db.selectFrom('notifications').select(['body', 'topic_key']).where('id', '=', id).executeTakeFirstOrThrow()
  return { body: row.body, topicKey: row.topic_key }
}

/** Rows still held by this claim: an instance whose lease ran out cannot overwrite the work of the one that took over. */
function held(db: Db, claim: Claim) {
  return db
    .updateTable('outbox')
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('claim_token', claim.claim_token === null ? 'is' : '=', claim.claim_token)
}

export async function recordSent(db: Db, claim: Claim, sid: string, now: Date): Promise<boolean> {
  return (await recordSentMany(db, [{ ...claim, sid }], now)) === 1
}

/**
 * Records sends Twilio accepted, in one transaction (one commit for many rows is what makes fan-out fast); returns
 * how many were still held by their claim. With the webhook on, a notification whose last rows these were is
 * finished in the same transaction.
 */
export async function recordSentMany(db: Db, sent: Array<Claim & { sid: string }>, now: Date): Promise<number> {
  const at = now.toISOString()
  return db.transaction().execute(async (trx) => {
    const notifications: number[] = []
    for (const claim of sent) {
      const row = await held(trx, claim)
        .set({ status: 'sent', sid: claim.sid, lease_until: null, attempts: (eb) => eb('attempts', '+', 1), updated_at: at })
        .returning('notification_id')
        .executeTakeFirst()
      if (row !== undefined) notifications.push(row.notification_id)
    }
    if (notifications.length > 0 && eventTargets(trx).webhook) await finishNotifications(trx, notifications, now)
    return notifications.length
  })
}

export async function recordRetry(db: Db, claim: Claim, nextAttemptAt: Date, error: string, now: Date): Promise<boolean> {
  const result = await held(db, claim)
    .set({
      status: 'queued',
      lease_until: null,
      next_attempt_at: nextAttemptAt.toISOString(),
      attempts: (eb) => eb('attempts', '+', 1),
      error_message: error.slice(0, 300),
      updated_at: now.toISOString(),
    })
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** The row's end: it will never be sent. With the webhook on, message.failed says so (see endHeld). */
export async function recordFailed(db: Db, claim: Claim, code: number | null, error: string, now: Date): Promise<boolean> {
  const failed = {
    status: 'failed' as const,
    lease_until: null,
    error_code: code,
    error_message: error.slice(0, 300),
    attempts: (eb: ExpressionBuilder<Database, 'outbox'>) => eb('attempts', '+', 1),
    updated_at: now.toISOString(),
  }
  return endHeld(db, claim, failed, now, (row) => [
    { type: 'message.failed', data: { phone: row.phone, notificationId: row.notification_id, errorCode: code } },
  ])
}

/**
 * Puts a claimed row back to wait for the recipient's quiet hours to end: due again at `until`, without counting an
 * attempt, and counted as held until it is claimed again.
 */
export async function recordHeld(db: Db, claim: Claim, until: Date, now: Date): Promise<boolean> {
  const at = now.toISOString()
  const result = await held(db, claim)
    .set({ status: 'queued', lease_until: null, next_attempt_at: until.toISOString(), held_at: at, updated_at: at })
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** A claimed row whose notification expired before it could go: it ends as `expired`, never sent. */
export async function recordExpired(db: Db, claim: Claim, now: Date): Promise<boolean> {
  return endHeld(db, claim, { status: 'expired', lease_until: null, updated_at: now.toISOString() }, now, () => [])
}

/** The statuses a row ends in; a notification none of whose rows is queued or sending is finished. */
type FinalStatus = Exclude<OutboxStatus, 'queued' | 'sending'>

type Ending = UpdateObject<Database, 'outbox'> & { status: FinalStatus }

/**
 * Ends a row still held by the claim. With the webhook on, the row's end, what it tells (`tell`) and, when it was
 * its notification's last open row, notification.finished are one transaction (the caller's, or one of its own);
 * without it, one update, as cheap as before events.
 */
async function endHeld(db: Db, claim: Claim, ending: Ending, now: Date, tell: (row: OutboxRow) => SmsbotEvent[]): Promise<boolean> {
  if (!eventTargets(db).webhook) return (await held(db, claim).set(ending).executeTakeFirst()).numUpdatedRows > 0n
  return inTransaction(db, async (trx) => {
    const row = await held(trx, claim).set(ending).returningAll().executeTakeFirst()
    if (row === undefined) return false
    await emitEvents(trx, tell(row), now)
    await finishNotifications(trx, [row.notification_id], now)
    return true
  })
}

/**
 * Finishes each of these notifications none of whose rows is left queued or sending, and tells it
 * (notification.finished) once: the conditional update of finished_at claims it. Called, with the webhook on, in the
 * transaction that made rows final. On PostgreSQL the notifications are locked first (in id order): of two
 * transactions that end a notification's last rows at once, the second waits for the first to commit, and its check,
 * a new statement with a new snapshot (READ COMMITTED), then sees the first's rows final. Without the lock each would
 * see the other's row still sending, and neither would tell it. SQLite has one writer.
 */
async function finishNotifications(trx: Db, ids: readonly number[], now: Date): Promise<void> {
  const unique = [...new Set(ids)].sort((a, b) => a - b)
  if (isPostgres(trx)) await trx.selectFrom('notifications').select('id').where('id', 'in', unique).orderBy('id').forUpdate().execute()
  const finished = await trx
    .updateTable('notifications')
    .set({ finished_at: now.toISOString() })
    .where('id', 'in', unique)
    .where('finished_at', 'is', null)
    // eslint-disable-next-line @typescript-eslint/unbound-method -- Kysely's expression builder functions are bound
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox')
            .select('outbox.id')
            .whereRef('outbox.notification_id', '=', 'notifications.id')
            .where('outbox.status', 'in', ['queued', 'sending']),
        ),
      ),
    )
    .returningAll()
    .execute()
  const events: SmsbotEvent[] = []
  for (const notification of finished) {
    const counts = await trx
      .selectFrom('outbox')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('notification_id', '=', notification.id)
      .groupBy('status')
      .execute()
    const by = (status: FinalStatus) => Number(counts.find((c) => c.status === status)?.n ?? 0)
    events.push({
      type: 'notification.finished',
      data: {
        id: notification.id,
        topic: notification.topic_key,
        recipients: notification.recipients,
        // Rows that retention pruned are counted on the notification (see pruneFinishedOutbox).
        sent: by('sent') + notification.pruned_sent,
        delivered: by('delivered') + notification.pruned_delivered,
        failed: by('failed') + notification.pruned_failed,
        expired: by('expired') + notification.pruned_expired,
      },
    })
  }
  await emitEvents(trx, events, now)
}

/** Gives a claimed row back (on shutdown) so that the next start sends it at once. */
export async function releaseClaim(db: Db, claim: Claim, now: Date): Promise<boolean> {
  const result = await held(db, claim).set({ status: 'queued', lease_until: null, updated_at: now.toISOString() }).executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Twilio's delivery statuses mapped to ours; anything earlier than `sent` changes nothing. */
const CALLBACK_STATUS: Record<string, OutboxStatus> = { sent: 'sent', delivered: 'delivered', undelivered: 'failed', failed: 'failed' }
const RANK: Record<OutboxStatus, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, failed: 3, expired: 3 }

/**
 * Records a delivery-status callback; a late or out-of-order one never moves a status backwards. A failure is judged
 * by the failure policy, as the dispatcher judges Twilio's REST answer: 21610 opts the phone out, 21211 and 21614
 * mark it unreachable, in the same transaction as the row's status, and only when this callback changed the row (a
 * repeated callback records nothing twice); so is message.failed. A sid smsbot did not send changes nothing.
 */
export async function recordDeliveryStatus(
  db: Db,
  sid: string,
  twilioStatus: string,
  errorCode: number | null,
  now: Date,
): Promise<boolean> {
  const status = CALLBACK_STATUS[twilioStatus]
  if (status === undefined) return false
  const sent = await db.selectFrom('outbox').select(['phone', 'notification_id']).where('sid', '=', sid).executeTakeFirst()
  if (sent === undefined) return false
  const lower = (Object.keys(RANK) as OutboxStatus[]).filter((s) => RANK[s] < RANK[status])
  const failure = status === 'failed' ? decideCallbackFailure(errorCode) : { optOut: false, markInvalid: false }
  return serialize(db, [phoneLock(sent.phone)], async (trx) => {
    const result = await trx
      .updateTable('outbox')
      .set({ status, error_code: errorCode, updated_at: now.toISOString() })
      .where('sid', '=', sid)
      .where('status', 'in', lower)
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) return false
    if (status === 'failed') {
      const data = { phone: sent.phone, notificationId: sent.notification_id, errorCode }
      await emitEvent(trx, { type: 'message.failed', data }, now)
    }
    if (failure.optOut) await setOptedOut(trx, sent.phone, true, now, { source: 'twilio', detail: String(errorCode) })
    if (failure.markInvalid) await markInvalid(trx, sent.phone, now)
    return true
  })
}

/** A notification's progress: the API's answer to GET /api/notifications/:id, and what the CLI draws. */
export const Progress = Type.Object({
  id: Type.Integer(),
  topic: Type.String(),
  recipients: Type.Integer(),
  segments: Type.Integer(),
  /** Due or in flight (a retry waiting for its backoff included). */
  queued: Type.Integer(),
  /** Waiting for the notification's sendAt. */
  scheduled: Type.Integer(),
  /** Waiting for the recipient's quiet hours to end. */
  held: Type.Integer(),
  sent: Type.Integer(),
  delivered: Type.Integer(),
  failed: Type.Integer(),
  /** Not sent before the notification's expiresAt: never sent. */
  expired: Type.Integer(),
  /** Nothing left queued, scheduled, held or in flight. */
  done: Type.Boolean(),
  sendAt: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  /** Who published it: a console operator's profile id, `api` or `cli`; null for one published before this was kept. */
  publishedBy: Type.Union([Type.String(), Type.Null()]),
})
export type Progress = Static<typeof Progress>

/** Every outbox row counted by status, for the metrics. */
export async function outboxCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

/** Queued rows waiting for their notification's sendAt (never held for quiet hours, never tried), counted. */
export function scheduledRows(eb: ExpressionBuilder<Database, 'outbox'>, at: string) {
  return eb.fn.sum<number>(
    eb
      .case()
      .when(eb.and([eb('held_at', 'is', null), eb('attempts', '=', 0), eb('next_attempt_at', '>', at)]))
      .then(1)
      .else(0)
      .end(),
  )
}

/** A notification's rows by status as of `now`; queued rows split into due, scheduled (before sendAt) and held (quiet hours). */
export async function notificationProgress(db: Db, id: number, now: Date): Promise<Progress | undefined> {
  const notification = await db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst()
  if (notification === undefined) return undefined
  const at = now.toISOString()
  const counts = await db
    .selectFrom('outbox')
    .select((eb) => [
      'status',
      eb.fn.countAll<number>().as('n'),
      eb.fn.count<number>('held_at').as('held'),
      scheduledRows(eb, at).as('scheduled'),
    ])
    .where('notification_id', '=', id)
    .groupBy('status')
    .execute()
  const row = (status: OutboxStatus) => counts.find((c) => c.status === status)
  const by = (status: OutboxStatus) => Number(row(status)?.n ?? 0)
  const held = Number(row('queued')?.held ?? 0)
  const scheduled = Number(row('queued')?.scheduled ?? 0)
  const queued = by('queued') - held - scheduled + by('sending')
  return {
    id,
    topic: notification.topic_key,
    recipients: notification.recipients,
    segments: notification.segments,
    queued,
    scheduled,
    held,
    // Rows that retention pruned are counted on the notification (see pruneFinishedOutbox).
    sent: by('sent') + notification.pruned_sent,
    delivered: by('delivered') + notification.pruned_delivered,
    failed: by('failed') + notification.pruned_failed,
    expired: by('expired') + notification.pruned_expired,
    done: queued + scheduled + held === 0,
    sendAt: notification.send_at,
    expiresAt: notification.expires_at,
    publishedBy: notification.published_by,
  }
}

/**
 * Deletes up to `limit` outbox rows last updated before `before` whose notification is finished, and adds them to
 * the notification's pruned counts in the same transaction, so that its progress reads the same afterwards.
 * The counts come from the rows the delete returned, with the status each had when it went. Returns how many.
 */
export async function pruneFinishedOutbox(db: Db, before: Date, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom('outbox')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox as candidate')
          .select('candidate.id')
          .where('candidate.updated_at', '<', before.toISOString())
          // No row of its notification (the candidate included) queued or sending: the candidate is final too.
          // eslint-disable-next-line @typescript-eslint/unbound-method -- Kysely's expression builder functions are bound
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('outbox as open')
                  .select('open.id')
                  .whereRef('open.notification_id', '=', 'candidate.notification_id')
                  .where('open.status', 'in', ['queued', 'sending']),
              ),
            ),
          )
          .limit(limit),
      )
      .returning(['notification_id', 'status'])
      .execute()
    const tally = new Map<number, Record<FinalStatus, number>>()
    for (const row of removed) {
      const counts = tally.get(row.notification_id) ?? { sent: 0, delivered: 0, failed: 0, expired: 0 }
      counts[row.status as FinalStatus] += 1
      tally.set(row.notification_id, counts)
    }
    for (const [id, counts] of tally) {
      await trx
        .updateTable('notifications')
        .set((eb) => ({
          pruned_sent: eb('pruned_sent', '+', counts.sent),
          pruned_delivered: eb('pruned_delivered', '+', counts.delivered),
          pruned_failed: eb('pruned_failed', '+', counts.failed),
          pruned_expired: eb('pruned_expired', '+', counts.expired),
        }))
        .where('id', '=', id)
        .execute()
    }
    return removed.length
  })
}
