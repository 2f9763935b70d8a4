// Topics as operators manage them (/api/topics, smsbot topics): checked here, stored by topics/queries.ts.
import { Type, type Static } from 'typebox'
import { TOPIC_KEY } from '../topics/keys.js'
import { inTransaction } from '../database.js'
import * as topics from '../topics/queries.js'
import { recordOperatorAction } from './audit.js'
import type { OperatorDeps, ReadDeps } from './deps.js'
import { problems, readTitle, refuse, type Result } from './problems.js'

export const TopicRequest = Type.Object({ title: Type.String({ minLength: 1, maxLength: 120 }) })

export const TopicReply = Type.Object({ key: Type.String(), title: Type.String() })
export type TopicReply = Static<typeof TopicReply>

export const TopicsReply = Type.Object({
  topics: Type.Array(Type.Object({ key: Type.String(), title: Type.String(), subscribers: Type.Integer(), createdAt: Type.String() })),
})
export type TopicsReply = Static<typeof TopicsReply>

/** Opens a topic, or renames (and reopens) it; the title is kept as one line without control characters. */
export async function saveTopic({ db, clock, actor }: OperatorDeps, key: string, title: string): Promise<Result<TopicReply>> {
  if (!TOPIC_KEY.test(key)) return refuse(400, problems.invalidKey)
  const read = readTitle(title)
  if (!read.ok) return refuse(400, read.problem)
  const now = clock.now()
  const topic = await inTransaction(db, async (trx) => {
    const saved = await topics.saveTopic(trx, key, read.title, now)
    await recordOperatorAction(trx, actor, 'topic.save', saved.key, saved.title, now)
    return saved
  })
  return { ok: true, value: { key: topic.key, title: topic.title } }
}

/** The open topics with their subscriber counts. */
export async function listTopics({ db }: ReadDeps): Promise<TopicsReply> {
  const { topics: open } = await topics.listOpenTopics(db)
  return { topics: open.map((t) => ({ key: t.key, title: t.title, subscribers: t.subscribers, createdAt: t.created_at })) }
}

/** Closes a topic; its subscribers are kept and told nothing. */
export async function closeTopic({ db, clock, actor }: OperatorDeps, key: string): Promise<Result<null>> {
  const now = clock.now()
  const closed = await inTransaction(db, async (trx) => {
    if (!(await topics.closeTopic(trx, key, now))) return false
    await recordOperatorAction(trx, actor, 'topic.close', key, null, now)
    return true
  })
  if (!closed) return refuse(404, problems.noSuchTopic(key))
  return { ok: true, value: null }
}
