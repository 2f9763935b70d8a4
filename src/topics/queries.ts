// Topics and subscriptions: shared by the SMS commands, the web profile and the operator API.
import type { Db } from '../database.js'
import type { Topic } from '../schema.js'
import { normalizeTopicKey } from '../sms/commands.js'

export async function findOpenTopic(db: Db, key: string): Promise<Topic | undefined> {
  return db
    .selectFrom('topics')
    .selectAll()
    .where('key', '=', normalizeTopicKey(key))
    .where('closed_at', 'is', null)
    .executeTakeFirst()
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
    db.selectFrom('topics').select((eb) => eb.fn.countAll<number>().as('n')).where('closed_at', 'is', null).executeTakeFirstOrThrow(),
  ])
  return { topics: topics.map((t) => ({ ...t, subscribers: Number(t.subscribers) })), total: Number(total.n) }
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
  | { status: 'subscribed'; topic: Topic }
  | { status: 'already'; topic: Topic }
  | { status: 'noSuchTopic' }
  | { status: 'limit' }

/** Subscribes a known phone (see rememberPhone) to an open topic, within the per-phone limit. */
export async function subscribe(db: Db, phone: string, key: string, maxSubscriptions: number, now: Date): Promise<SubscribeResult> {
  const topic = await findOpenTopic(db, key)
  if (topic === undefined) return { status: 'noSuchTopic' }
  const existing = await db
    .selectFrom('subscriptions')
    .select('topic_key')
    .where('phone', '=', phone)
    .execute()
  if (existing.some((s) => s.topic_key === topic.key)) return { status: 'already', topic }
  if (existing.length >= maxSubscriptions) return { status: 'limit' }
  await db
    .insertInto('subscriptions')
    .values({ phone, topic_key: topic.key, created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['phone', 'topic_key']).doNothing())
    .execute()
  return { status: 'subscribed', topic }
}

/** Returns false when the phone did not follow that topic. */
export async function unsubscribe(db: Db, phone: string, key: string): Promise<boolean> {
  const result = await db
    .deleteFrom('subscriptions')
    .where('phone', '=', phone)
    .where('topic_key', '=', normalizeTopicKey(key))
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** Removes every subscription of a phone and returns how many there were. */
export async function unsubscribeAll(db: Db, phone: string): Promise<number> {
  const result = await db.deleteFrom('subscriptions').where('phone', '=', phone).executeTakeFirst()
  return Number(result.numDeletedRows)
}
