// The texts of the notifications being sent, each read once and kept in a small bounded cache.
import type { Db } from '../database.js'
import { notificationBody } from './queries.js'

export type NotificationText = { body: string; topicKey: string }

/** Reads a notification's text and topic, from the cache when it holds them; beyond `size` texts the oldest is dropped. */
export function createBodyCache(db: Db, size: number): (notificationId: number) => Promise<NotificationText> {
  const bodies = new Map<number, NotificationText>()
  return async (notificationId) => {
    let body = bodies.get(notificationId)
    if (body === undefined) {
      body = await notificationBody(db, notificationId)
      bodies.set(notificationId, body)
      // Only a few notifications are being sent at a time; one no longer sent is read again if it ever comes back.
      if (bodies.size > size) bodies.delete(bodies.keys().next().value as number)
    }
    return body
  }
}
