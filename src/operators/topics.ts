// Topics as operators manage them (/api/topics, smsbot topics): checked here, stored by topics/queries.ts.
import { Type, type Static } from 'typebox'
import { TOPIC_KEY } from '../topics/keys.js'
import * as topics from '../topics/queries.js'
import type { OperatorDeps } from './deps.js'
import { problems, readTitle, refuse, type Result } from './problems.js'

export const TopicRequest = Type.Object({ title: Type.String({ minLength: 1, maxLength: 120 }) })

export const TopicReply = Type.Object({ key: Type.String(), title: Type.String() })
export type TopicReply = Static<typeof TopicReply>

export const TopicsReply = Type.Object({
  topics: Type.Array(Type.Object({ key: Type.String(), title: Type.String(), subscribers: Type.Integer(), createdAt: Type.String() })),
})
export type TopicsReply = Static<typeof TopicsReply>

/** Opens a topic, or renames (and reopens) it; the title is kept as one line without control characters. */
export async function saveTopic({ db, clock }: OperatorDeps, key: string, title: string): Promise<Result<TopicReply>> {
  if (!TOPIC_KEY.test(key)) return refuse(400, problems.invalidKey)
  const read = readTitle(title)
  if (!read.ok) return refuse(400, read.problem)
  const topic = await topics.saveTopic(db, key, read.title, clock.now())
  return { ok: true, value: { key: topic.key, title: topic.title } }
}

/** The open topics with their subscriber counts. */
export async function listTopics({ db }: OperatorDeps): Promise<TopicsReply> {
  const { topics: open } = await topics.listOpenTopics(db)
  return { topics: open.map((t) => ({ key: t.key, title: t.title, subscribers: t.subscribers, createdAt: t.created_at })) }
}

/** Closes a topic; its subscribers are kept and told nothing. */
export async function closeTopic({ db, clock }: OperatorDeps, key: string): Promise<Result<null>> {
  if (!(await topics.closeTopic(db, key, clock.now()))) return refuse(404, problems.noSuchTopic(key))
  return { ok: true, value: null }
}
