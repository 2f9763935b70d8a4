// Answers one inbound SMS: carrier keywords, commands, menu numbers, operator keywords, forwarding; once per MessageSid.
import type { Clock } from '../clock.js'
import { serialize, type Db } from '../database.js'
import { keywordReply } from '../keywords/queries.js'
import { DEFAULT_LANGUAGE, type Language } from '../language.js'
import { phoneLanguage, phoneLock, rememberPhone, setOptedOut } from '../phones/queries.js'
import type { CommandRequest, CommandSettings } from './command.js'
import { COMMANDS } from './commands/index.js'
import { endConversation } from './conversations.js'
import type { ForwardedMessage, ForwardResult } from './forward.js'
import { answerNumber } from './menu.js'
import { isPersonSender, parseInbound, type Parsed } from './parse.js'
import { claimMessage, finishForward, FORWARDING, saveReply, storedMessage } from './queries.js'
import { smsCopy } from '../copy/index.js'

export interface InboundSms {
  messageSid: string
  from: string
  to: string
  body: string
  numMedia: number
  /** Twilio's Advanced Opt-Out verdict (STOP, START or HELP), when a Messaging Service's keyword matched. */
  optOutType?: string | undefined
}

/** Sends an unmatched message to the operator's service (FORWARD_URL) and reads its reply. */
export interface Forwarder {
  timeoutMs: number
  send(message: ForwardedMessage, now: Date): Promise<ForwardResult>
}

export interface AnswerContext extends CommandSettings {
  db: Db
  clock: Clock
  /** Where messages nothing matched go, when FORWARD_URL is set. */
  forward?: Forwarder | undefined
}

export interface Answer {
  /** What the message was (a command's id, a carrier keyword, 'menu', 'keyword', 'forward', 'unknown' …, or 'repeat'). */
  command: string
  /** The reply text, or '' for an empty TwiML response. */
  reply: string
  /** Why the forward failed, when it did (the texter got the usual reply): for the log. */
  forwardFailure?: string
}

/** What a claimed message was, when it is not to be forwarded. */
type Answered = { command: string; reply: string }

/** How often a retry looks for the reply of a forward still under way. */
const FORWARD_POLL_MS = 50

/** Where a stored S reply had its link: the link is made again for a retry, so no table holds its token (SPEC §11). */
const LINK_MARK = '{link}'

function request(
  db: Db,
  settings: CommandSettings,
  sms: InboundSms,
  now: Date,
  language: Language,
  parsed?: Extract<Parsed, { kind: 'command' }>,
): CommandRequest {
  return {
    db,
    phone: sms.from,
    messageSid: sms.messageSid,
    now,
    language,
    settings,
    copy: smsCopy[language],
    commands: COMMANDS,
    word: parsed?.word ?? '',
    argument: parsed?.argument ?? null,
    text: parsed?.text ?? null,
  }
}

/**
 * Runs what the message asks for in the claim's transaction. Carrier keywords always win and end any conversation;
 * a number answers the open menu; an unknown word may be an operator's keyword. 'forward' when nothing matched and
 * FORWARD_URL is set: the forward happens after the commit, outside any transaction.
 */
async function answerClaimed(
  trx: Db,
  settings: CommandSettings,
  parsed: Parsed,
  sms: InboundSms,
  now: Date,
  language: Language,
  forwarding: boolean,
): Promise<Answered | 'forward'> {
  const copy = smsCopy[language]
  const phone = sms.from
  const unmatched = (suggestion: string | null): Answered | 'forward' =>
    forwarding ? 'forward' : { command: 'unknown', reply: copy.unknown(suggestion) }
  switch (parsed.kind) {
    case 'optOut':
    case 'optIn':
      await endConversation(trx, phone)
      await setOptedOut(trx, phone, parsed.kind === 'optOut', now, { source: 'sms', detail: parsed.keyword })
      // Twilio itself confirms carrier keywords, so the reply is empty TwiML.
      return { command: parsed.kind, reply: '' }
    case 'info':
      await endConversation(trx, phone)
      return { command: 'info', reply: copy.identity(settings.program) }
    case 'command':
      return { command: parsed.command.id, reply: await parsed.command.answer(request(trx, settings, sms, now, language, parsed)) }
    case 'number': {
      const reply = await answerNumber(request(trx, settings, sms, now, language), parsed.number)
      return reply === undefined ? unmatched(null) : { command: 'menu', reply }
    }
    case 'unknown': {
      const reply = await keywordReply(trx, parsed.word)
      return reply === undefined ? unmatched(parsed.suggestion) : { command: 'keyword', reply }
    }
    /* c8 ignore next 2 -- empty, media-only, text-less messages and Twilio's help are answered before any claim */
    default:
      return { command: parsed.kind, reply: parsed.kind === 'helpByTwilio' ? '' : copy[parsed.kind] }
  }
}

/**
 * A MessageSid seen before gets the reply stored then, and changes nothing (Twilio retries webhooks): the sid is
 * claimed first, and the message is answered in the claim's transaction, serialised per phone. Messages whose reply
 * depends on the message alone (H, empty, media-only, an unknown word that is no keyword) need no record: a retry
 * gets the same reply by construction. A forward is POSTed after the claim commits, so a retry never forwards again;
 * a retry that comes while it is under way waits for its reply.
 */
export async function answerSms(ctx: AnswerContext, sms: InboundSms): Promise<Answer> {
  const { db, clock, forward, ...settings } = ctx
  // An alphanumeric sender ID or a short code is no person: nothing is read, recorded or answered.
  if (!isPersonSender(sms.from)) return { command: 'notAPerson', reply: '' }
  const parsed = parseInbound(sms.body, sms.numMedia, sms.optOutType)
  const languageOf = async (on: Db) => (await phoneLanguage(on, sms.from)) ?? DEFAULT_LANGUAGE

  // Twilio answered its help keyword with the Messaging Service's text; nothing changes.
  if (parsed.kind === 'helpByTwilio') return { command: 'info', reply: '' }
  if (parsed.kind === 'empty' || parsed.kind === 'mediaOnly' || parsed.kind === 'noText')
    return { command: parsed.kind, reply: smsCopy[await languageOf(db)][parsed.kind] }
  if (parsed.kind === 'command' && parsed.command.stateless === true) {
    return {
      command: parsed.command.id,
      reply: await parsed.command.answer(request(db, settings, sms, clock.now(), await languageOf(db), parsed)),
    }
  }
  if (parsed.kind === 'unknown' && forward === undefined && (await keywordReply(db, parsed.word)) === undefined) {
    return { command: 'unknown', reply: smsCopy[await languageOf(db)].unknown(parsed.suggestion) }
  }

  const outcome = await serialize(db, [phoneLock(sms.from)], async (trx) => {
    const now = clock.now()
    if (!(await claimMessage(trx, sms.messageSid, sms.from, now)))
      return { kind: 'repeat' as const, stored: await storedMessage(trx, sms.messageSid) }
    // A phone seen for the first time has no settings yet: its language is the default.
    const language = (await rememberPhone(trx, sms.from, now)) ? DEFAULT_LANGUAGE : await languageOf(trx)
    const answered = await answerClaimed(trx, settings, parsed, sms, now, language, forward !== undefined)
    if (answered === 'forward') {
      await saveReply(trx, sms.messageSid, FORWARDING, '')
      return { kind: 'forward' as const, language, receivedAt: now }
    }
    // The S link is a live credential: the stored reply keeps its place, not its token.
    const stored =
      answered.command === 'signup' ? answered.reply.replace(settings.signupUrl(sms.from, now, sms.messageSid), LINK_MARK) : answered.reply
    await saveReply(trx, sms.messageSid, answered.command, stored)
    return { kind: 'answered' as const, ...answered }
  })

  const usual = async (language?: Language) =>
    smsCopy[language ?? (await languageOf(db))].unknown(parsed.kind === 'unknown' ? parsed.suggestion : null)
  if (outcome.kind === 'answered') return { command: outcome.command, reply: outcome.reply }
  if (outcome.kind === 'repeat') {
    const stored = outcome.stored
    if (stored?.command === 'signup') {
      // The same link as the first answer: made again from the message and the time it was received.
      return {
        command: 'repeat',
        reply: stored.reply.replace(LINK_MARK, settings.signupUrl(sms.from, new Date(stored.receivedAt), sms.messageSid)),
      }
    }
    if (stored?.command !== FORWARDING) return { command: 'repeat', reply: stored?.reply ?? '' }
    return { command: 'repeat', reply: await awaitForward(db, clock, sms.messageSid, forward?.timeoutMs ?? 0, usual) }
  }

  const message: ForwardedMessage = {
    messageSid: sms.messageSid,
    from: sms.from,
    to: sms.to,
    body: sms.body,
    numMedia: sms.numMedia,
    receivedAt: outcome.receivedAt.toISOString(),
  }
  const result = await (forward as Forwarder).send(message, clock.now())
  const reply = result.ok ? result.reply : await usual(outcome.language)
  if (!(await finishForward(db, sms.messageSid, reply))) {
    return { command: 'forward', reply: (await storedMessage(db, sms.messageSid))?.reply ?? reply }
  }
  return result.ok ? { command: 'forward', reply } : { command: 'forward', reply, forwardFailure: result.reason }
}

/** The failure reply in the phone's language; the default when even that cannot be read (the database may be what failed). */
export async function failureReply(db: Db, phone: string): Promise<string> {
  const language = await phoneLanguage(db, phone).catch(() => undefined)
  return smsCopy[language ?? DEFAULT_LANGUAGE].failure
}

/**
 * A retry of a message whose forward is under way waits for its reply, up to the forward's timeout and a second.
 * Past that the first request is gone (or hopelessly late): the usual reply is recorded, and every request answers it.
 */
async function awaitForward(db: Db, clock: Clock, messageSid: string, timeoutMs: number, usual: () => Promise<string>): Promise<string> {
  const deadline = clock.now().getTime() + timeoutMs + 1000
  for (;;) {
    await clock.sleep(FORWARD_POLL_MS)
    const stored = await storedMessage(db, messageSid)
    if (stored === undefined) return usual()
    if (stored.command !== FORWARDING) return stored.reply
    if (clock.now().getTime() >= deadline) {
      await finishForward(db, messageSid, await usual())
      return (await storedMessage(db, messageSid))?.reply ?? ''
    }
  }
}
