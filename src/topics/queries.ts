// The topics and subscriptions tables: shared by the SMS commands, the web profile, the operator API and the fan-out.
import { recordConsent, recordConsents, type ConsentVia } from '../consent/queries.js'
import { compiledOnce } from '../compiled-once.js'
import { inTransaction, type Db } from '../database.js'
import { unreachablePhones } from '../phones/queries.js'
import type { Topic } from '../schema.js'
import { normalizeTopicKey } from './keys.js'

export async function findOpenTopic(db: Db, key: string): Promise<Topic | undefined> {
  return db.selectFrom('topics').selectAll().where('key', '=', normalizeTopicKey(key)).where('closed_at', 'is', null).executeTakeFirst()
}

/** Opens a topic, or renames (and reopens) an existing one. */
export async function saveTopic(db: Db, key: string, title: string, now: Date): Promise<Topic> {
  const row = { key: normalizeTopicKey(key), title, created_at: now.toISOString(), closed_at: null }
  await db
    .insertInto('topics')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ title, closed_at: null }))
    .execute()
  return (await findOpenTopic(db, key)) as Topic
}

/** Closes a topic; returns false when there was no open topic with that key. */
export async function closeTopic(db: Db, key: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('topics')
    .set({ closed_at: now.toISOString() })
    .where('key', '=', normalizeTopicKey(key))
    .where('closed_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export interface TopicWithCount extends Topic {
  subscribers: number
}

export async function listOpenTopics(db: Db, limit?: number): Promise<{ topics: TopicWithCount[]; total: number }> {
  let query = db
    .selectFrom('topics')
    .leftJoin('subscriptions', 'subscriptions.topic_key', 'topics.key')
    .select(['topics.key', 'topics.title', 'topics.created_at', 'topics.closed_at'])
    .select((eb) => eb.fn.count<number>('subscriptions.phone').as('subscribers'))
    .where('topics.closed_at', 'is', null)
    .groupBy(['topics.key', 'topics.title', 'topics.created_at', 'topics.closed_at'])
    .orderBy('topics.key')
  if (limit !== undefined) query = query.limit(limit)
  const [topics, total] = await Promise.all([
    query.execute(),
    db
      .selectFrom('topics')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('closed_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ])
  return { topics: topics.map((t) => ({ ...t, subscribers: Number(t.subscribers) })), total: Number(total.n) }
}

/**
 * Up to `limit` open topics by key, after `after` when given (the next page of a menu, whatever was opened or closed
 * meanwhile), and how many open topics come after those.
 */
export async function openTopicsPage(db: Db, after: string | undefined, limit: number): Promise<{ topics: Topic[]; remaining: number }> {
  let page = db.selectFrom('topics').selectAll().where('closed_at', 'is', null)
  if (after !== undefined) page = page.where('key', '>', after)
  const [topics, count] = await Promise.all([
    page.orderBy('key').limit(limit).execute(),
    page
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ])
  return { topics, remaining: Number(count.n) - topics.length }
}

/** The open topics a phone follows, by key. */
export async function listSubscriptions(db: Db, phone: string): Promise<Topic[]> {
  return db
    .selectFrom('subscriptions')
    .innerJoin('topics', 'topics.key', 'subscriptions.topic_key')
    .selectAll('topics')
    .where('subscriptions.phone', '=', phone)
    .where('topics.closed_at', 'is', null)
    .orderBy('topics.key')
    .execute()
}

export type SubscribeResult =
  { status: 'subscribed'; topic: Topic } | { status: 'already'; topic: Topic } | { status: 'noSuchTopic' } | { status: 'limit' }

/** An open topic, with the phone's subscriptions to open topics (held) and to this one (already): what SUB checks. */
const openTopicAndCounts = compiledOnce(['phone', 'key'], (db, v: { phone: string; key: string }) =>
  db
    .selectFrom('topics')
    .selectAll('topics')
    .select((eb) => [
      eb
        .selectFrom('subscriptions')
        .innerJoin('topics as held', 'held.key', 'subscriptions.topic_key')
        .select(eb.fn.countAll<number>().as('n'))
        .where('subscriptions.phone', '=', v.phone)
        .where('held.closed_at', 'is', null)
        .as('held'),
      eb
        .selectFrom('subscriptions')
        .select(eb.fn.countAll<number>().as('n'))
        .where('subscriptions.phone', '=', v.phone)
        .whereRef('subscriptions.topic_key', '=', 'topics.key')
        .as('already'),
    ])
    .where('topics.key', '=', v.key)
    .where('topics.closed_at', 'is', null),
)

const insertSubscription = compiledOnce(['phone', 'key', 'createdAt'], (db, v: { phone: string; key: string; createdAt: string }) =>
  db
    .insertInto('subscriptions')
    .values({ phone: v.phone, topic_key: v.key, created_at: v.createdAt })
    .onConflict((oc) => oc.columns(['phone', 'topic_key']).doNothing()),
)

/**
 * Subscribes a known phone (see rememberPhone) to an open topic, within the per-phone limit (open topics count;
 * a closed topic's subscriptions are hidden and do not). One read and one write: call it inside
 * `serialize(db, [phoneLock(phone)], …)` so that simultaneous subscriptions of one phone are counted one by one.
 */
export async function subscribe(
  db: Db,
  phone: string,
  key: string,
  maxSubscriptions: number,
  now: Date,
  via: ConsentVia = { source: 'sms' },
): Promise<SubscribeResult> {
  const [row] = (await openTopicAndCounts(db, { phone, key: normalizeTopicKey(key) })).rows
  if (row === undefined) return { status: 'noSuchTopic' }
  const { held, already, ...topic } = row
  if (Number(already) > 0) return { status: 'already', topic }
  if (Number(held) >= maxSubscriptions) return { status: 'limit' }
  await insertSubscription(db, { phone, key: topic.key, createdAt: now.toISOString() })
  // A new subscription is consent to that topic's notifications (the count above said it did not exist).
  await recordConsent(db, { phone, action: 'subscribe', topic: topic.key, ...via }, now)
  return { status: 'subscribed', topic }
}

/** The phones a notification to this topic goes to: its subscribers, less those opted out or invalid. */
export function audienceOf(db: Db, key: string) {
  return db
    .selectFrom('subscriptions')
    .select('subscriptions.phone')
    .where('subscriptions.topic_key', '=', normalizeTopicKey(key))
    .where('subscriptions.phone', 'not in', unreachablePhones(db))
}

/**
 * Returns false when the phone did not follow that topic. With `now`, a removal is written to the consent record
 * (`via` defaults to SMS), in one transaction with it (the caller's, or its own); every caller passes it.
 */
export async function unsubscribe(db: Db, phone: string, key: string, now?: Date, via: ConsentVia = { source: 'sms' }): Promise<boolean> {
  return (await removeSubscriptions(db, phone, normalizeTopicKey(key), now, via)) > 0
}

/** Removes every subscription of a phone and returns how many there were; with `now`, one consent record per topic. */
export async function unsubscribeAll(db: Db, phone: string, now?: Date, via: ConsentVia = { source: 'sms' }): Promise<number> {
  return removeSubscriptions(db, phone, undefined, now, via)
}

async function removeSubscriptions(db: Db, phone: string, key: string | undefined, now: Date | undefined, via: ConsentVia) {
  // The removal and its record (and the events it tells) are one change: a caller outside a transaction gets one.
  return inTransaction(db, async (trx) => {
    let removal = trx.deleteFrom('subscriptions').where('phone', '=', phone)
    if (key !== undefined) removal = removal.where('topic_key', '=', key)
    const removed = await removal.returning('topic_key').execute()
    if (now !== undefined)
      await recordConsents(
        trx,
        removed.map((r) => ({ phone, action: 'unsubscribe' as const, topic: r.topic_key, ...via })),
        now,
      )
    return removed.length
  })
}
