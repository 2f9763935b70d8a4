// The database's tables as Kysely types: one interface per table, nullable columns as `| null`.
import type { Insertable, Selectable } from 'kysely'

export interface PhonesTable {
  phone: string
  first_seen_at: string
  opted_out_at: string | null
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

export interface Database {
  phones: PhonesTable
  topics: TopicsTable
  subscriptions: SubscriptionsTable
  inbound_messages: InboundMessagesTable
}

export type Topic = Selectable<TopicsTable>
export type NewInboundMessage = Insertable<InboundMessagesTable>
