// The events table: changes told to the team's application (EVENTS_URL) and Auth0 write-backs, written in the change's transaction.
import { randomUUID } from 'node:crypto'
import { nanoid } from 'nanoid'
import { Type, type Static } from 'typebox'
import { skipLocked, type Db } from '../database.js'
import type { ConsentSource, EventRow, EventStatus, EventTarget } from '../schema.js'

export type { EventRow, EventStatus, EventTarget }

/** The eight event types of SPEC §12 and what each carries as `data`. */
export interface EventData {
  'phone.verified': { phone: string; profileId: string; subject?: string; email?: string; method: 'code' | 'link' }
  'phone.unlinked': { phone: string; profileId: string; subject?: string }
  'phone.opted_out': { phone: string; source: ConsentSource; detail: string | null }
  'phone.opted_in': { phone: string; source: ConsentSource; detail: string | null }
  'subscription.created': { phone: string; topic: string; source: ConsentSource }
  'subscription.deleted': { phone: string; topic: string; source: ConsentSource }
  'notification.finished': {
    id: number
    topic: string
    recipients: number
    sent: number
    delivered: number
    failed: number
    expired: number
  }
  'message.failed': { phone: string; notificationId: number; errorCode: number | null }
}
export type EventType = keyof EventData
export type SmsbotEvent = { [T in EventType]: { type: T; data: EventData[T] } }[EventType]

/** The Auth0 write-back's row: which Auth0 user's `app_metadata.phone` to bring up to date (read when it is delivered). */
export const AUTH0_PHONE = 'auth0.phone'
export interface Auth0PhoneData {
  subject: string
}

/** How long an event is tried before it is marked failed (SPEC §12: 24 h). */
export const DELIVERY_WINDOW_MS = 24 * 3_600_000

/** Which deliveries a deployment makes: events are written only for the targets it has. */
export interface EventTargets {
  webhook: boolean
  auth0: boolean
}

const NONE: EventTargets = { webhook: false, auth0: false }
// Keyed by the handle's adapter, which a transaction shares with the handle it came from: every change made through
// this database handle (in a transaction or not) sees the targets its app was built with.
const targetsOf = new WeakMap<object, EventTargets>()

/** Says which events this database handle's changes write (buildApp calls it from the configuration). */
export function setEventTargets(db: Db, targets: EventTargets): void {
  targetsOf.set(db.getExecutor().adapter, targets)
}

export function eventTargets(db: Db): EventTargets {
  return targetsOf.get(db.getExecutor().adapter) ?? NONE
}

/**
 * Writes the events of a change, in the caller's transaction: one row for the team's application (EVENTS_URL), and
 * for a phone that joins or leaves a profile of a subject, one Auth0 write-back. Nothing without targets.
 */
export async function emitEvents(db: Db, events: readonly SmsbotEvent[], now: Date): Promise<void> {
  const targets = eventTargets(db)
  if (!targets.webhook && !targets.auth0) return
  const at = now.toISOString()
  const deadline = new Date(now.getTime() + DELIVERY_WINDOW_MS).toISOString()
  const row = (target: EventTarget, type: string, data: unknown) => ({
    id: `msg_${nanoid(24)}`,
    target,
    type,
    data: JSON.stringify(data),
    created_at: at,
    deadline_at: deadline,
    status: 'queued' as const,
    next_attempt_at: at,
    lease_until: null,
    claim_token: null,
    last_error: null,
    updated_at: at,
  })
  const rows = []
  for (const event of events) {
    if (targets.webhook) rows.push(row('webhook', event.type, event.data))
    if (targets.auth0 && (event.type === 'phone.verified' || event.type === 'phone.unlinked') && event.data.subject !== undefined) {
      rows.push(row('auth0', AUTH0_PHONE, { subject: event.data.subject } satisfies Auth0PhoneData))
    }
  }
  if (rows.length > 0) await db.insertInto('events').values(rows).execute()
}

export async function emitEvent(db: Db, event: SmsbotEvent, now: Date): Promise<void> {
  await emitEvents(db, [event], now)
}

/** A claimed event: only the holder of its token may record its outcome. */
export type ClaimedEvent = EventRow & { claim_token: string }

const ALL_TARGETS: readonly EventTarget[] = ['webhook', 'auth0']

/**
 * Claims up to `limit` due events (queued and due, or sending with an expired lease: an instance died mid-delivery)
 * under a new token, as the outbox claims its rows; PostgreSQL skips rows another instance is claiming. Only rows of
 * `targets`: an instance without AUTH0_* leaves the write-backs to one that has it, and they wait for it.
 */
export async function claimDueEvents(
  db: Db,
  now: Date,
  leaseMs: number,
  limit: number,
  targets: readonly EventTarget[] = ALL_TARGETS,
): Promise<ClaimedEvent[]> {
  if (targets.length === 0) return []
  const at = now.toISOString()
  const token = randomUUID()
  return db.transaction().execute(async (trx) => {
    const due = await skipLocked(
      trx,
      trx
        .selectFrom('events')
        .select('id')
        .where('target', 'in', targets)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', at)]),
            eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', at)]),
          ]),
        )
        .orderBy('next_attempt_at')
        .limit(limit),
    ).execute()
    if (due.length === 0) return []
    const rows = await trx
      .updateTable('events')
      .set({ status: 'sending', lease_until: new Date(now.getTime() + leaseMs).toISOString(), claim_token: token, updated_at: at })
      .where(
        'id',
        'in',
        due.map((r) => r.id),
      )
      .returningAll()
      .execute()
    return rows.sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at)).map((r) => ({ ...r, claim_token: token }))
  })
}

type Held = Pick<ClaimedEvent, 'id' | 'claim_token'>

function held(db: Db, claim: Held) {
  return db.updateTable('events').where('id', '=', claim.id).where('status', '=', 'sending').where('claim_token', '=', claim.claim_token)
}

/** The receiver answered 2xx (or Auth0 took the write). False when the claim was lost meanwhile. */
export async function recordEventDelivered(db: Db, claim: Held, now: Date): Promise<boolean> {
  const result = await held(db, claim)
    .set({
      status: 'delivered',
      lease_until: null,
      last_error: null,
      attempts: (eb) => eb('attempts', '+', 1),
      updated_at: now.toISOString(),
    })
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Another attempt at `next`; or, when `next` is undefined (its deadline is passed, or the answer is final), failed. */
export async function recordEventAttempt(db: Db, claim: Held, error: string, next: Date | undefined, now: Date): Promise<boolean> {
  const result = await held(db, claim)
    .set({
      status: next === undefined ? 'failed' : 'queued',
      lease_until: null,
      next_attempt_at: (next ?? now).toISOString(),
      last_error: error.slice(0, 300),
      attempts: (eb) => eb('attempts', '+', 1),
      updated_at: now.toISOString(),
    })
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Gives a claimed event back (on shutdown), due at once. */
export async function releaseEvent(db: Db, claim: Held, now: Date): Promise<boolean> {
  const at = now.toISOString()
  const result = await held(db, claim).set({ status: 'queued', lease_until: null, next_attempt_at: at, updated_at: at }).executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** An event as the API lists it (GET /api/events). */
export const EventView = Type.Object({
  id: Type.String(),
  target: Type.String(),
  type: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  nextAttemptAt: Type.String(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  data: Type.Unknown(),
})
export type EventView = Static<typeof EventView>

function view(row: EventRow): EventView {
  return {
    id: row.id,
    target: row.target,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    data: JSON.parse(row.data) as unknown,
  }
}

/** Events with a status, newest first, at most `limit`. */
export async function listEvents(db: Db, status: EventStatus, limit: number): Promise<EventView[]> {
  const rows = await db.selectFrom('events').selectAll().where('status', '=', status).orderBy('created_at', 'desc').limit(limit).execute()
  return rows.map(view)
}

/** What an operator's retry did: queued the event again, or found it still waiting (queued or sending), as it is. */
export type EventRetry = { queued: true; event: EventView } | { queued: false; event: EventView }

/**
 * Sends a failed (or delivered) event again, as it was (same webhook-id, timestamp and data): due now, with a fresh
 * 24 hours of attempts. Undefined when there is no such event; the event unchanged when it is still waiting.
 */
export async function retryEvent(db: Db, id: string, now: Date): Promise<EventRetry | undefined> {
  const at = now.toISOString()
  const deadline = new Date(now.getTime() + DELIVERY_WINDOW_MS).toISOString()
  const row = await db
    .updateTable('events')
    .set({ status: 'queued', next_attempt_at: at, deadline_at: deadline, attempts: 0, last_error: null, lease_until: null, updated_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'delivered'])
    .returningAll()
    .executeTakeFirst()
  if (row !== undefined) return { queued: true, event: view(row) }
  const waiting = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst()
  return waiting === undefined ? undefined : { queued: false, event: view(waiting) }
}

/** Deletes up to `limit` delivered or failed events last changed before `before`; returns how many. */
export async function pruneEvents(db: Db, before: Date, limit = 500): Promise<number> {
  const old = await db
    .selectFrom('events')
    .select('id')
    .where('status', 'in', ['delivered', 'failed'])
    .where('updated_at', '<', before.toISOString())
    .limit(limit)
    .execute()
  if (old.length === 0) return 0
  const result = await db
    .deleteFrom('events')
    .where(
      'id',
      'in',
      old.map((r) => r.id),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
