// Answers one inbound SMS: runs its command against the database, once per MessageSid.
import type { Clock } from '../clock.js'
import { serialize, type Db } from '../database.js'
import { isOptedOut, phoneLock, rememberPhone, setOptedOut } from '../phones/queries.js'
import { normalizeTopicKey, TOPIC_KEY } from '../topics/keys.js'
import { listOpenTopics, listSubscriptions, subscribe, unsubscribe, unsubscribeAll } from '../topics/queries.js'
import { parseCommand, type Command } from './commands.js'
import { claimMessage, saveReply, storedReply } from './queries.js'
import { replies } from './replies.js'

export interface InboundSms {
  messageSid: string
  from: string
  body: string
  numMedia: number
}

/** What a command's answer depends on besides the database. */
export interface CommandRules {
  maxSubscriptions: number
  /** The address that verifies a phone, for the S command: a one-time sign-in link made at `now`. */
  signupUrl: (phone: string, now: Date) => string
  /** How long that link works, in minutes. */
  signupMinutes: number
}

export interface AnswerContext extends CommandRules {
  db: Db
  clock: Clock
}

export interface Answer {
  command: Command['kind'] | 'repeat'
  /** The reply text, or '' for an empty TwiML response. */
  reply: string
}

/** How many topics the TOPICS reply lists before it says how many more there are. */
const TOPICS_SHOWN = 4

async function runCommand(db: Db, rules: CommandRules, command: Command, phone: string, now: Date): Promise<string> {
  switch (command.kind) {
    case 'help':
      return replies.help
    case 'signup':
      return replies.signup(rules.signupUrl(phone, now), rules.signupMinutes)
    case 'subscribe': {
      if (command.topic === null) return replies.subscribeWhich
      if (!TOPIC_KEY.test(command.topic)) return replies.invalidTopic
      const result = await subscribe(db, phone, command.topic, rules.maxSubscriptions, now)
      if (result.status === 'noSuchTopic') return replies.noSuchTopic(normalizeTopicKey(command.topic))
      if (result.status === 'limit') return replies.tooManySubscriptions(rules.maxSubscriptions)
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

/** Commands whose reply depends on the message alone and which change nothing (S does not: its link is new each time). */
const STATELESS = new Set<Command['kind']>(['help', 'empty', 'mediaOnly', 'noText', 'unknown'])

/**
 * A MessageSid seen before gets the reply stored then, and changes nothing (Twilio retries webhooks): the sid is
 * claimed first, and the command runs in the claim's transaction, serialised per phone. A stateless command needs
 * no record: its retry gets the same reply by construction.
 */
export async function answerSms(ctx: AnswerContext, sms: InboundSms): Promise<Answer> {
  const { db, clock, ...rules } = ctx
  const command = parseCommand(sms.body, sms.numMedia)
  if (STATELESS.has(command.kind)) return { command: command.kind, reply: await runCommand(db, rules, command, sms.from, clock.now()) }
  return serialize(db, [phoneLock(sms.from)], async (trx) => {
    const now = clock.now()
    if (!(await claimMessage(trx, sms.messageSid, sms.from, now))) {
      return { command: 'repeat' as const, reply: (await storedReply(trx, sms.messageSid)) ?? '' }
    }
    await rememberPhone(trx, sms.from, now)
    const reply = await runCommand(trx, rules, command, sms.from, now)
    await saveReply(trx, sms.messageSid, command.kind, reply)
    return { command: command.kind, reply }
  })
}
