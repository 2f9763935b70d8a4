// Closed topics, for the console's Topics page (which reopens them with their title): read from the topics table.
import type { Db } from '../database.js'
import type { Topic } from '../schema.js'
import { normalizeTopicKey } from './keys.js'

/** The `limit` most recently closed topics, with their subscribers (closing keeps them), newest first. */
export async function listClosedTopics(db: Db, limit: number): Promise<Array<Topic & { subscribers: number }>> {
  const rows = await db
    .selectFrom('topics')
    .leftJoin('subscriptions', 'subscriptions.topic_key', 'topics.key')
    .select(['topics.key', 'topics.title', 'topics.created_at', 'topics.closed_at'])
    .select((eb) => eb.fn.count<number>('subscriptions.phone').as('subscribers'))
    .where('topics.closed_at', 'is not', null)
    .groupBy(['topics.key', 'topics.title', 'topics.created_at', 'topics.closed_at'])
    .orderBy('topics.closed_at', 'desc')
    .orderBy('topics.key')
    .limit(limit)
    .execute()
  return rows.map((t) => ({ ...t, subscribers: Number(t.subscribers) }))
}

/** A closed topic by key (matched case-insensitively, as every key is), if there is one. */
export async function findClosedTopic(db: Db, key: string): Promise<Topic | undefined> {
  return db.selectFrom('topics').selectAll().where('key', '=', normalizeTopicKey(key)).where('closed_at', 'is not', null).executeTakeFirst()
}
