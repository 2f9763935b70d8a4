// Where the operator commands go: the server's API (--url, ADMIN_TOKEN) or, on the server's own machine, its database file.
import { existsSync } from 'node:fs'
import { systemClock } from '../clock.js'
import type { ConsentRecord } from '../consent/queries.js'
import { isPostgresUrl, migrateToLatest, openDatabase } from '../database.js'
import type { Progress, Published } from '../notify/queries.js'
import { consentOf, type ConsentReply } from '../operators/consent.js'
import type { OperatorDeps } from '../operators/deps.js'
import { listKeywords, removeKeyword, saveKeyword, type KeywordReply, type KeywordsReply } from '../operators/keywords.js'
import { progress, publish } from '../operators/notifications.js'
import type { Result } from '../operators/problems.js'
import { closeTopic, listTopics, saveTopic, type TopicReply, type TopicsReply } from '../operators/topics.js'
import { reservedAs } from '../sms/parse.js'
import { cliCopy } from './copy.js'
import { setEventTargets, type EventTargets } from '../events/queries.js'

/** When to send, as the API takes it: ISO 8601 times. */
export interface ScheduleTimes {
  sendAt?: string
  expiresAt?: string
}

export interface Operator {
  saveTopic(key: string, title: string): Promise<TopicReply>
  listTopics(): Promise<TopicsReply['topics']>
  closeTopic(key: string): Promise<void>
  publish(key: string, body: string, schedule?: ScheduleTimes): Promise<Published>
  progress(id: number): Promise<Progress>
  /** A phone's consent record (E.164), oldest first. */
  consent(phone: string): Promise<ConsentRecord[]>
  saveKeyword(word: string, reply: string): Promise<KeywordReply>
  listKeywords(): Promise<KeywordsReply['keywords']>
  removeKeyword(word: string): Promise<void>
  close(): Promise<void>
}

/** A refusal to show the operator as it is (no stack trace). */
export class OperatorError extends Error {}

export function apiOperator(baseUrl: string, token: string, doFetch: typeof fetch): Operator {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await doFetch(`${baseUrl}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch {
      throw new OperatorError(cliCopy.unreachable(baseUrl))
    }
    const text = await response.text()
    if (!response.ok) {
      let message = text
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text
      } catch {
        // Not JSON (a proxy's error page, say): show it as it came.
      }
      throw new OperatorError(cliCopy.answered(response.status, message))
    }
    return (text === '' ? undefined : JSON.parse(text)) as T
  }
  return {
    saveTopic: (key, title) => call('PUT', `/topics/${encodeURIComponent(key)}`, { title }),
    listTopics: async () => (await call<TopicsReply>('GET', '/topics')).topics,
    closeTopic: async (key) => void (await call('DELETE', `/topics/${encodeURIComponent(key)}`)),
    publish: (key, body, schedule = {}) => call('POST', `/topics/${encodeURIComponent(key)}/notifications`, { body, ...schedule }),
    progress: (id) => call('GET', `/notifications/${id}`),
    consent: async (phone) => (await call<ConsentReply>('GET', `/phones/${encodeURIComponent(phone)}/consent`)).records,
    saveKeyword: (word, reply) => call('PUT', `/keywords/${encodeURIComponent(word)}`, { reply }),
    listKeywords: async () => (await call<KeywordsReply>('GET', '/keywords')).keywords,
    removeKeyword: async (word) => void (await call('DELETE', `/keywords/${encodeURIComponent(word)}`)),
    close: async () => {},
  }
}

/** An action's result, or its refusal as the operator reads it. */
function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new OperatorError(result.problem.message)
  return result.value
}

/**
 * Works on the database directly (the SQLite file, or DATABASE_URL) through the same actions as the API; a server
 * on the same database sends what this queues. A SQLite file that does not exist is refused unless `create`: a new
 * file is a database no server reads.
 */
export async function localOperator(
  location: string,
  options: { create?: boolean; poolMax?: number; events?: EventTargets } = {},
): Promise<Operator> {
  if (!isPostgresUrl(location) && options.create !== true && !existsSync(location)) throw new OperatorError(cliCopy.noDatabase(location))
  const db = openDatabase(location, { poolMax: options.poolMax })
  try {
    await migrateToLatest(db, location)
  } catch (err) {
    await db.destroy()
    throw err
  }
  // Its changes write the events the server's configuration delivers (the server delivers them), as the server's own do.
  if (options.events !== undefined) setEventTargets(db, options.events)
  // The words the SMS channel answers itself come from it, as the app gives them to the API.
  const deps: OperatorDeps = { db, clock: systemClock, reservedAs, actor: 'cli' }
  return {
    saveTopic: async (key, title) => valueOf(await saveTopic(deps, key, title)),
    listTopics: async () => (await listTopics(deps)).topics,
    closeTopic: async (key) => void valueOf(await closeTopic(deps, key)),
    publish: async (key, body, times = {}) => valueOf(await publish(deps, key, { body, ...times })),
    progress: async (id) => valueOf(await progress(deps, id)),
    consent: async (phone) => valueOf(await consentOf(deps, phone)).records,
    saveKeyword: async (word, reply) => valueOf(await saveKeyword(deps, word, reply)),
    listKeywords: async () => (await listKeywords(deps)).keywords,
    removeKeyword: async (word) => void valueOf(await removeKeyword(deps, word)),
    close: () => db.destroy(),
  }
}
