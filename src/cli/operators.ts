// Where the operator commands go: the server's API (--url, ADMIN_TOKEN) or, on the server's own machine, its database file.
import { existsSync } from 'node:fs'
import { systemClock } from '../clock.js'
import { isPostgresUrl, migrateToLatest, openDatabase } from '../database.js'
import { consentRecords, type ConsentRecord } from '../consent/queries.js'
import { problems, readBody, readSchedule, readTitle } from '../notify/problems.js'
import { notificationProgress, publishToOpenTopic, type Progress, type Published } from '../notify/queries.js'
import { closeTopic, listOpenTopics, saveTopic } from '../topics/queries.js'
import { listKeywords, normalizeKeyword, removeKeyword, saveKeyword } from '../keywords/queries.js'
import { checkKeyword, keywordProblems } from '../sms/keywords.js'
import { segmentsOf } from '../sms/segments.js'
import { cliCopy, type KeywordSummary } from './copy.js'

export interface TopicSummary {
  key: string
  title: string
  subscribers: number
}

/** When to send, as the API takes it: ISO 8601 times. */
export interface ScheduleTimes {
  sendAt?: string
  expiresAt?: string
}

export interface Operator {
  saveTopic(key: string, title: string): Promise<{ key: string; title: string }>
  listTopics(): Promise<TopicSummary[]>
  closeTopic(key: string): Promise<void>
  publish(key: string, body: string, schedule?: ScheduleTimes): Promise<Published>
  progress(id: number): Promise<Progress>
  /** A phone's consent record (E.164), oldest first. */
  consent(phone: string): Promise<ConsentRecord[]>
  saveKeyword(word: string, reply: string): Promise<KeywordSummary>
  listKeywords(): Promise<KeywordSummary[]>
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
    listTopics: async () => (await call<{ topics: TopicSummary[] }>('GET', '/topics')).topics,
    closeTopic: async (key) => void (await call('DELETE', `/topics/${encodeURIComponent(key)}`)),
    publish: (key, body, schedule = {}) => call('POST', `/topics/${encodeURIComponent(key)}/notifications`, { body, ...schedule }),
    progress: (id) => call('GET', `/notifications/${id}`),
    consent: async (phone) => (await call<{ records: ConsentRecord[] }>('GET', `/phones/${encodeURIComponent(phone)}/consent`)).records,
    saveKeyword: (word, reply) => call('PUT', `/keywords/${encodeURIComponent(word)}`, { reply }),
    listKeywords: async () => (await call<{ keywords: KeywordSummary[] }>('GET', '/keywords')).keywords.map(({ word, reply, segments }) => ({ word, reply, segments })),
    removeKeyword: async (word) => void (await call('DELETE', `/keywords/${encodeURIComponent(word)}`)),
    close: async () => {},
  }
}

/**
 * Works on the database directly (the SQLite file, or DATABASE_URL); a server on the same database sends what this
 * queues. A SQLite file that does not exist is refused unless `create`: a new file is a database no server reads.
 */
export async function localOperator(location: string, options: { create?: boolean; poolMax?: number } = {}): Promise<Operator> {
  if (!isPostgresUrl(location) && options.create !== true && !existsSync(location)) throw new OperatorError(cliCopy.noDatabase(location))
  const db = openDatabase(location, { poolMax: options.poolMax })
  try {
    await migrateToLatest(db, location)
  } catch (err) {
    await db.destroy()
    throw err
  }
  const now = () => systemClock.now()
  return {
    // The API's checks, for a caller that did not make them (main.ts does): the title one line, without controls.
    saveTopic: async (key, input) => {
      const title = readTitle(input)
      if (!title.ok) throw new OperatorError(title.problem.message)
      return saveTopic(db, key, title.title, now())
    },
    listTopics: async () => (await listOpenTopics(db)).topics,
    closeTopic: async (key) => {
      if (!(await closeTopic(db, key, now()))) throw new OperatorError(problems.noSuchTopic(key).message)
    },
    publish: async (key, text, times = {}) => {
      const body = readBody(text)
      if (!body.ok) throw new OperatorError(body.problem.message)
      const schedule = readSchedule(times.sendAt, times.expiresAt, now())
      if (!schedule.ok) throw new OperatorError(schedule.problem.message)
      const published = await publishToOpenTopic(db, key, body.body, now(), schedule)
      if (published === undefined) throw new OperatorError(problems.noSuchTopic(key).message)
      return published
    },
    progress: async (id) => {
      const progress = await notificationProgress(db, id, now())
      if (progress === undefined) throw new OperatorError(problems.noSuchNotification(id).message)
      return progress
    },
    consent: (phone) => consentRecords(db, phone),
    saveKeyword: async (word, reply) => {
      const checked = checkKeyword(word, reply)
      if (!checked.ok) throw new OperatorError(checked.problem.message)
      await saveKeyword(db, checked.word, checked.reply, now())
      return { word: checked.word, reply: checked.reply, segments: checked.segments }
    },
    listKeywords: async () => (await listKeywords(db)).map((k) => ({ word: k.word, reply: k.reply, segments: segmentsOf(k.reply) })),
    removeKeyword: async (word) => {
      if (!(await removeKeyword(db, word))) throw new OperatorError(keywordProblems.noSuchKeyword(normalizeKeyword(word)).message)
    },
    close: () => db.destroy(),
  }
}
