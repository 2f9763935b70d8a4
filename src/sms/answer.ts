// Answers one inbound SMS: runs its command against the database, once per MessageSid.
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import { rememberPhone, isOptedOut, setOptedOut } from '../phones/queries.js'
import { listOpenTopics, listSubscriptions, subscribe, unsubscribe, unsubscribeAll } from '../topics/queries.js'
import { parseCommand, TOPIC_KEY, normalizeTopicKey, type Command } from './commands.js'
import { replies } from './replies.js'

export interface InboundSms {
  messageSid: string
  from: string
  body: string
  numMedia: number
}

export interface AnswerContext {
  db: Db
  clock: Clock
  maxSubscriptions: number
  /** The verification form's address for a phone, for the S command. */
  signupUrl: (phone: string) => string
}

export interface Answer {
  command: Command['kind'] | 'repeat'
  /** The reply text, or '' for an empty TwiML response. */
  reply: string
}

/** How many topics the TOPICS reply lists before it says how many more there are. */
const TOPICS_SHOWN = 4

async function runCommand(ctx: AnswerContext, db: Db, command: Command, phone: string, now: Date): Promise<string> {
  switch (command.kind) {
    case 'help':
      return replies.help
    case 'signup':
      return replies.signup(ctx.signupUrl(phone))
    case 'subscribe': {
      if (command.topic === null) return replies.subscribeWhich
      if (!TOPIC_KEY.test(command.topic)) return replies.invalidTopic
      const result = await subscribe(db, phone, command.topic, ctx.maxSubscriptions, now)
      if (result.status === 'noSuchTopic') return replies.noSuchTopic(normalizeTopicKey(command.topic))
      if (result.status === 'limit') return replies.tooManySubscriptions(ctx.maxSubscriptions)
      if (result.status === 'already') return replies.alreadySubscribed(result.topic.key)
      return replies.subscribed(result.topic, await isOptedOut(db, phone))
    }
    case 'unsubscribe': {
      if (command.topic === null) return replies.unsubscribeWhich
      if (!TOPIC_KEY.test(command.topic)) return replies.invalidTopic
      const removed = await unsubscribe(db, phone, command.topic)
      return removed ? replies.unsubscribed(normalizeTopicKey(command.topic)) : replies.notSubscribed(command.topic)
    }
    case 'unsubscribeAll':
      return replies.unsubscribedAll(await unsubscribeAll(db, phone))
    case 'list':
      return replies.list((await listSubscriptions(db, phone)).map((t) => t.key))
    case 'topics': {
      const { topics, total } = await listOpenTopics(db, TOPICS_SHOWN)
      return replies.topics(topics, total)
    }
    case 'optOut':
    case 'optIn':
      // Twilio itself confirms carrier keywords, so the reply is empty TwiML.
      await setOptedOut(db, phone, command.kind === 'optOut', now)
      return ''
    case 'empty':
      return replies.empty
    case 'mediaOnly':
      return replies.mediaOnly
    case 'noText':
      return replies.noText
    case 'unknown':
      return replies.unknown(command.suggestion)
  }
}

/** Commands whose reply depends on the message alone and which change nothing. */
const STATELESS = new Set<Command['kind']>(['help', 'signup', 'empty', 'mediaOnly', 'noText', 'unknown'])

/**
 * A MessageSid seen before gets the reply stored then, and changes nothing (Twilio retries webhooks).
 * A stateless command needs no record for that: its retry gets the same reply by construction.
 */
export async function answerSms(ctx: AnswerContext, sms: InboundSms): Promise<Answer> {
  const command = parseCommand(sms.body, sms.numMedia)
  if (STATELESS.has(command.kind)) return { command: command.kind, reply: await runCommand(ctx, ctx.db, command, sms.from, ctx.clock.now()) }
  return ctx.db.transaction().execute(async (trx) => {
    const previous = await trx
      .selectFrom('inbound_messages')
      .select('reply')
      .where('message_sid', '=', sms.messageSid)
      .executeTakeFirst()
    if (previous !== undefined) return { command: 'repeat' as const, reply: previous.reply }

    const now = ctx.clock.now()
    await rememberPhone(trx, sms.from, now)
    const reply = await runCommand(ctx, trx, command, sms.from, now)
    await trx
      .insertInto('inbound_messages')
      .values({ message_sid: sms.messageSid, phone: sms.from, command: command.kind, reply, received_at: now.toISOString() })
      .execute()
    return { command: command.kind, reply }
  })
}
