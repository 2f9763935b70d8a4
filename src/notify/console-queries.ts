// Notifications as the console reads them: the latest with their counts, one's text, a topic's audience with its settings.
import type { Db } from '../database.js'
import type { OutboxStatus } from '../schema.js'
import { audienceOf } from '../topics/queries.js'

/** A notification in the console's list: what was published, and how far its rows got. */
export interface NotificationSummary {
  id: number
  topic: string
  createdAt: string
  recipients: number
  segments: number
  sent: number
  delivered: number
  failed: number
  expired: number
  /** Rows not yet final: queued, scheduled, held or in flight. */
  waiting: number
}

/**
 * The `limit` latest notifications (those before id `before`, for the next page), newest first, with their rows
 * counted by status: two queries whatever the limit, the second on outbox_notification_idx (notification_id, status).
 */
export async function latestNotifications(db: Db, limit: number, before?: number): Promise<NotificationSummary[]> {
  let query = db
    .selectFrom('notifications')
    .select([
      'id',
      'topic_key',
      'created_at',
      'recipients',
      'segments',
      'pruned_sent',
      'pruned_delivered',
      'pruned_failed',
      'pruned_expired',
    ])
    .orderBy('id', 'desc')
    .limit(limit)
  if (before !== undefined) query = query.where('id', '<', before)
  const notifications = await query.execute()
  if (notifications.length === 0) return []
  const counts = await db
    .selectFrom('outbox')
    .select(['notification_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where(
      'notification_id',
      'in',
      notifications.map((n) => n.id),
    )
    .groupBy(['notification_id', 'status'])
    .execute()
  return notifications.map((n) => {
    const by = (status: OutboxStatus) => Number(counts.find((c) => c.notification_id === n.id && c.status === status)?.n ?? 0)
    return {
      id: n.id,
      topic: n.topic_key,
      createdAt: n.created_at,
      recipients: n.recipients,
      segments: n.segments,
      // Rows that retention pruned are counted on the notification (see pruneFinishedOutbox).
      sent: by('sent') + n.pruned_sent,
      delivered: by('delivered') + n.pruned_delivered,
      failed: by('failed') + n.pruned_failed,
      expired: by('expired') + n.pruned_expired,
      waiting: by('queued') + by('sending'),
    }
  })
}

/** What the console shows of a notification besides its progress: its text and when it was published. */
export async function notificationText(db: Db, id: number): Promise<{ body: string; createdAt: string } | undefined> {
  const row = await db.selectFrom('notifications').select(['body', 'created_at']).where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : { body: row.body, createdAt: row.created_at }
}

/** A recipient as the quiet-hours forecast needs it: the phone and the two settings the dispatcher reads. */
export interface AudienceMember {
  phone: string
  /** phones.quiet_hours: null for the deployment's default, `off`, or a window such as `22-7`. */
  quietHours: string | null
  /** phones.time_zone: the zone the texter chose, or null for the number's. */
  timeZone: string | null
}

/**
 * Who a notification to `key` would be queued for now (audienceOf: the same subquery enqueueNotification inserts
 * from), each with the settings its quiet hours come from: one query.
 */
export async function audienceWithSettings(db: Db, key: string): Promise<AudienceMember[]> {
  const rows = await db
    .selectFrom(audienceOf(db, key).as('audience'))
    .leftJoin('phones', 'phones.phone', 'audience.phone')
    .select(['audience.phone as phone', 'phones.quiet_hours as quietHours', 'phones.time_zone as timeZone'])
    .execute()
  return rows.map((r) => ({ phone: r.phone, quietHours: r.quietHours ?? null, timeZone: r.timeZone ?? null }))
}
