// The database's tables as Kysely types: one interface per table, nullable columns as `| null`.
import type { Generated, Insertable, Selectable } from 'kysely'

export interface PhonesTable {
  phone: string
  first_seen_at: string
  opted_out_at: string | null
  profile_id: string | null
  verified_at: string | null
  invalid_at: Generated<string | null>
  /** null: the deployment's QUIET_HOURS; 'off'; or the phone's own window, e.g. '22-7' (see phones/settings.ts). */
  quiet_hours: Generated<string | null>
  /** An IANA zone the texter chose; null: the zones of the number. */
  time_zone: Generated<string | null>
  /** The language the phone chose (LANG ES); null: never chosen, English. */
  language: Generated<string | null>
  /** When its first subscription was confirmed with the program identity (once per phone). */
  welcomed_at: Generated<string | null>
}

export interface NotificationsTable {
  id: Generated<number>
  topic_key: string
  body: string
  segments: number
  recipients: number
  created_at: string
  /** Outbox rows pruned by retention, per final status: progress adds them to the rows still present. */
  pruned_sent: Generated<number>
  pruned_delivered: Generated<number>
  pruned_failed: Generated<number>
  pruned_expired: Generated<number>
  /** Not sent before this instant (null: at once). */
  send_at: Generated<string | null>
  /** Not sent at or after this instant: rows still waiting then end as `expired` (null: never). */
  expires_at: Generated<string | null>
  /** When its last row stopped waiting to be sent (its notification.finished event); null until then. */
  finished_at: Generated<string | null>
  /** Who published it: a console operator's profile id, `api` or `cli` (null: before this was recorded). */
  published_by: Generated<string | null>
  /** The console confirmation's one-time key (unique): publishing the same confirmation twice queues it once. */
  publish_key: Generated<string | null>
}

/** One operator action, append-only (see operators/audit.ts). */
export interface OperatorActionsTable {
  id: Generated<number>
  at: string
  /** A console operator's profile id, `api` (the bearer token) or `cli`. */
  actor: string
  /** e.g. topic.open, topic.rename, topic.close, keyword.set, keyword.remove, notification.publish */
  action: string
  /** The topic key, keyword or notification id acted on. */
  target: string
  detail: string | null
}

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'expired'

export interface OutboxTable {
  id: Generated<number>
  notification_id: number
  phone: string
  status: OutboxStatus
  attempts: Generated<number>
  next_attempt_at: string
  lease_until: string | null
  sid: string | null
  error_code: number | null
  error_message: string | null
  updated_at: string
  /** Set by each claim; only its holder may record the row's outcome. */
  claim_token: Generated<string | null>
  /** The notification's expiry, copied to each row so a claim can check it. */
  expires_at: Generated<string | null>
  /** When the row was put back to wait for the recipient's quiet hours to end (null: not held). */
  held_at: Generated<string | null>
}

export interface SendScheduleTable {
  name: string
  next_slot_ms: number
}

export interface ProfilesTable {
  id: string
  display_name: string | null
  created_at: string
  /** Set for a profile of an OpenID Connect sign-in: the provider's issuer and the user's subject (unique together). */
  issuer: Generated<string | null>
  subject: Generated<string | null>
  /** The e-mail the provider gave at the last sign-in. */
  email: Generated<string | null>
}

/** A sign-in started at /auth/login, claimed once by its callback. */
export interface OidcLoginsTable {
  state: string
  nonce: string
  code_verifier: string
  /** Where the browser goes after the callback: a path on this site (e.g. the /verify/link it came from), or null: /verify. */
  return_to: string | null
  expires_at: string
  used_at: string | null
}

export type EventTarget = 'webhook' | 'auth0'
export type EventStatus = 'queued' | 'sending' | 'delivered' | 'failed'

/** An event for the team's application (EVENTS_URL) or an Auth0 write-back, delivered at least once (see events/). */
export interface EventsTable {
  /** The webhook-id: the same on every attempt. */
  id: string
  target: EventTarget
  type: string
  /** The event's `data`, JSON. */
  data: string
  created_at: string
  /** Attempts stop here (24 h after it was written, or after an operator's retry) and it is marked failed. */
  deadline_at: string
  status: EventStatus
  attempts: Generated<number>
  next_attempt_at: string
  lease_until: string | null
  claim_token: string | null
  last_error: string | null
  updated_at: string
}

export interface SessionsTable {
  id: string
  profile_id: string
  created_at: string
  expires_at: string
  revoked_at: string | null
}

export interface OtpCodesTable {
  phone: string
  code_hash: string
  created_at: string
  expires_at: string
  attempts: Generated<number>
  consumed_at: string | null
}

export interface SigninLinksTable {
  id: string
  phone: string
  used_at: string
  expires_at: string
}

export interface OtpEventsTable {
  id: Generated<number>
  kind: 'send' | 'failure'
  phone: string
  ip: string
  at: string
}

export interface TopicsTable {
  key: string
  title: string
  created_at: string
  closed_at: string | null
}

export interface SubscriptionsTable {
  phone: string
  topic_key: string
  created_at: string
}

export interface InboundMessagesTable {
  message_sid: string
  phone: string
  command: string
  reply: string
  received_at: string
}

export type ConsentAction = 'opt_out' | 'opt_in' | 'subscribe' | 'unsubscribe' | 'verify'
export type ConsentSource = 'sms' | 'web' | 'api' | 'twilio'

/** One change of consent, append-only (see consent/queries.ts). */
export interface ConsentRecordsTable {
  id: Generated<number>
  phone: string
  at: string
  action: ConsentAction
  source: ConsentSource
  topic_key: string | null
  /** The keyword texted, Twilio's error code (21610), or how a phone was verified. */
  detail: string | null
}

/** A phone's open conversation: the numbered menu it was shown (JSON, see sms/conversations.ts), until it expires. */
export interface ConversationsTable {
  phone: string
  menu: string
  expires_at: string
}

/** An operator's keyword (upper case) and its fixed reply. */
export interface KeywordsTable {
  word: string
  reply: string
  created_at: string
  updated_at: string
}

export interface Database {
  phones: PhonesTable
  topics: TopicsTable
  subscriptions: SubscriptionsTable
  inbound_messages: InboundMessagesTable
  profiles: ProfilesTable
  sessions: SessionsTable
  otp_codes: OtpCodesTable
  otp_events: OtpEventsTable
  signin_links: SigninLinksTable
  notifications: NotificationsTable
  outbox: OutboxTable
  send_schedule: SendScheduleTable
  consent_records: ConsentRecordsTable
  conversations: ConversationsTable
  keywords: KeywordsTable
  oidc_logins: OidcLoginsTable
  events: EventsTable
  operator_actions: OperatorActionsTable
}

export type OutboxRow = Selectable<OutboxTable>
export type EventRow = Selectable<EventsTable>

export type Profile = Selectable<ProfilesTable>
export type OtpCode = Selectable<OtpCodesTable>

export type Topic = Selectable<TopicsTable>
export type NewInboundMessage = Insertable<InboundMessagesTable>
