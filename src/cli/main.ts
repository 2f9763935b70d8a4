// The smsbot command line: text the running bot as Twilio would, manage topics and publish notifications.
import { setTimeout as delay } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { ConfigError, createConfig, publicHref, type Config, type ResolvedConfig } from '../config.js'
import { resolveSecrets } from '../dev-secrets.js'
import { readBody, readSchedule, readTitle } from '../operators/problems.js'
import { normalizeKeyword } from '../keywords/queries.js'
import { normalizeTopicKey, TOPIC_KEY } from '../topics/keys.js'
import { expectedSignature } from '../twilio/signature.js'
import { inboundParams, messagesOf } from '../twilio/simulate.js'
import { printable } from '../text/control.js'
import { cliCopy, USAGE } from './copy.js'
import { postForm, type Answer, type FormPost } from './post.js'
import type { Operator } from './operators.js'
import { progressLine } from './progress.js'
import { readWhen } from './times.js'

export { USAGE } from './copy.js'

export interface CliIo {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
  /** Shows a line that replaces the previous status line (a progress bar); defaults to `out`. */
  status?: (line: string) => void
  fetch?: typeof fetch
  /** Waits between progress polls; tests move things along instead. */
  sleep?: (ms: number) => Promise<void>
  /** What +30m in --at and --expires counts from; the system clock by default. */
  now?: () => Date
}

interface Options {
  url: string | undefined
  wait: boolean
  /** Create and migrate the SQLite file when it does not exist (else the CLI refuses: no server would read it). */
  create: boolean
  /** notify --at and --expires, as typed. */
  at: string | undefined
  expires: string | undefined
}

const POLL_MS = 1000

class UsageError extends Error {}

/** Where the running server listens, as seen from this machine. */
function serverUrl(config: Config, url: string | undefined): string {
  if (url !== undefined) return url.replace(/\/$/, '')
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
}

async function text(config: ResolvedConfig, args: string[], url: string | undefined, io: CliIo): Promise<number> {
  const [fromInput, ...words] = args
  if (fromInput === undefined || words.length === 0) throw new UsageError(cliCopy.usage.text)
  // Twilio sends whatever E.164 number the carrier gives, so any possible number will do here.
  const from = parsePhoneNumberFromString(fromInput, config.defaultCountry)
  if (from === undefined || !from.isPossible()) throw new UsageError(cliCopy.usage.notPhone(fromInput))

  const target = serverUrl(config, url)
  // The server checks the signature against PUBLIC_URL when it is set, so sign what it will rebuild.
  const signedUrl = `${(url === undefined && config.publicUrl !== undefined ? publicHref(config.publicUrl) : undefined) ?? target}/sms`
  const params = inboundParams({
    from: from.number,
    to: config.twilio.phoneNumber ?? '+15005550006',
    body: words.join(' '),
    accountSid: config.twilio.accountSid ?? `AC${'0'.repeat(32)}`,
  })
  // fetch only when a test passes one: see post.ts for why the command does not use it.
  const send: (url: string, post: FormPost) => Promise<Answer> = io.fetch ?? postForm
  let response: Answer
  try {
    response = await send(`${target}/sms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        // Signed with node:crypto (twilio/signature.ts), the check the server runs: the SDK would cost 300 ms to load here.
        'x-twilio-signature': expectedSignature(config.twilio.authToken, signedUrl, params),
      },
      body: new URLSearchParams(params).toString(),
    })
  } catch {
    io.err(cliCopy.unreachable(target))
    return 1
  }
  const responseText = await response.text()
  if (!response.ok) {
    io.err(cliCopy.answered(response.status, responseText))
    return 1
  }
  const messages = messagesOf(responseText)
  if (messages.length === 0) io.out(cliCopy.noReply)
  for (const message of messages) io.out(message)
  return 0
}

type Action = (operator: Operator) => Promise<number>

function topicKey(key: string | undefined, command: string): string {
  if (key === undefined || !TOPIC_KEY.test(key)) throw new UsageError(`${command} ${cliCopy.usage.topicKey}`)
  return normalizeTopicKey(key)
}

/**
 * Polls until nothing is left due or in flight, drawing the bar each time. Rows scheduled for later or held for
 * quiet hours may wait for hours: watching stops there and says so.
 */
async function watch(operator: Operator, id: number, io: CliIo): Promise<number> {
  const status = io.status ?? io.out
  const sleep = io.sleep ?? ((ms: number) => delay(ms))
  let progress = await operator.progress(id)
  if (progress.queued > 0) io.err(cliCopy.watching)
  for (;;) {
    status(progressLine(progress))
    if (progress.done) {
      io.out(cliCopy.finished(progress))
      return 0
    }
    if (progress.queued === 0) {
      io.out(cliCopy.waiting(progress))
      return 0
    }
    await sleep(POLL_MS)
    progress = await operator.progress(id)
  }
}

/** Checks the arguments of an operator command before anything is opened, and returns what to do. */
async function operatorAction(command: string, args: string[], options: Options, io: CliIo): Promise<Action> {
  // The operator commands' modules (the database, Kysely, TypeBox) are loaded here, never for `smsbot text`.
  const { OperatorError } = await import('./operators.js')
  const [first, second, ...more] = args
  if (command === 'topics' && first === 'list') {
    return async (operator) => {
      const topics = await operator.listTopics()
      if (topics.length === 0) io.out(cliCopy.noTopics)
      for (const t of topics) io.out(cliCopy.topicLine(t.key, t.subscribers, t.title))
      return 0
    }
  }
  if (command === 'topics' && first === 'add') {
    const key = topicKey(second, 'topics add')
    if (more.join(' ').trim() === '') throw new UsageError(cliCopy.usage.topicTitle)
    const title = readTitle(more.join(' '))
    if (!title.ok) throw new OperatorError(title.problem.message)
    return async (operator) => {
      const topic = await operator.saveTopic(key, title.title)
      io.out(cliCopy.topicOpen(topic.key, topic.title))
      return 0
    }
  }
  if (command === 'topics' && first === 'close') {
    const key = topicKey(second, 'topics close')
    return async (operator) => {
      await operator.closeTopic(key)
      io.out(cliCopy.topicClosed(key))
      return 0
    }
  }
  if (command === 'topics') throw new UsageError(cliCopy.usage.topics)
  if (command === 'notify') {
    const text = args.slice(1).join(' ')
    if (first === undefined || text.trim() === '') throw new UsageError(cliCopy.usage.notify)
    const key = topicKey(first, 'notify')
    const checked = readBody(text)
    if (!checked.ok) throw new OperatorError(checked.problem.message)
    const body = checked.body
    const now = (io.now ?? (() => new Date()))()
    const sendAt = options.at === undefined ? undefined : readWhen(options.at, now)
    if (options.at !== undefined && sendAt === undefined) throw new UsageError(cliCopy.usage.when('--at', options.at))
    // +2h in --expires counts from --at when there is one: two hours after it goes.
    const expiresAt = options.expires === undefined ? undefined : readWhen(options.expires, sendAt ?? now)
    if (options.expires !== undefined && expiresAt === undefined) throw new UsageError(cliCopy.usage.when('--expires', options.expires))
    const schedule = readSchedule(sendAt?.toISOString(), expiresAt?.toISOString(), now)
    if (!schedule.ok) throw new OperatorError(schedule.problem.message)
    const times = {
      ...(sendAt === undefined ? {} : { sendAt: sendAt.toISOString() }),
      ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
    }
    return async (operator) => {
      const published = await operator.publish(key, body, times)
      io.out(cliCopy.queued(key, published))
      if (sendAt !== undefined || expiresAt !== undefined) io.out(cliCopy.scheduled(times.sendAt, times.expiresAt))
      if (published.recipients === 0) io.out(cliCopy.nobody)
      else if (!options.wait) io.out(cliCopy.follow(published.id))
      else return watch(operator, published.id, io)
      return 0
    }
  }
  if (command === 'consent') {
    const phone = first === undefined ? undefined : parsePhoneNumberFromString(first)
    if (phone === undefined || !phone.isPossible()) throw new UsageError(cliCopy.usage.consent)
    return async (operator) => {
      const records = await operator.consent(phone.number)
      if (records.length === 0) io.out(cliCopy.noConsent(phone.number))
      else io.out(cliCopy.consentHeader)
      for (const record of records) io.out(cliCopy.consentLine(record))
      return 0
    }
  }
  if (command === 'keywords') return keywordAction(args, io)
  if (command === 'progress') {
    if (first === undefined || !/^[0-9]{1,15}$/.test(first)) throw new UsageError(cliCopy.usage.progress)
    return (operator) => watch(operator, Number(first), io)
  }
  throw new UsageError(cliCopy.usage.unknown(command))
}

/** smsbot keywords add <word> <reply...>, list, remove <word>: checked here first, then by the API or the local database. */
async function keywordAction(args: string[], io: CliIo): Promise<Action> {
  const [{ OperatorError }, { checkKeyword }, { reservedAs }] = await Promise.all([
    import('./operators.js'),
    import('../operators/keywords.js'),
    import('../sms/parse.js'),
  ])
  const [verb, word, ...words] = args
  if (verb === 'list' && word === undefined) {
    return async (operator) => {
      const keywords = await operator.listKeywords()
      if (keywords.length === 0) io.out(cliCopy.noKeywords)
      for (const k of keywords) io.out(cliCopy.keywordLine(k))
      return 0
    }
  }
  if (verb === 'add' && word !== undefined && words.length > 0) {
    const checked = checkKeyword(word, words.join(' '), reservedAs)
    if (!checked.ok) throw new OperatorError(checked.problem.message)
    return async (operator) => {
      io.out(cliCopy.keywordSaved(await operator.saveKeyword(checked.word, checked.reply)))
      return 0
    }
  }
  if (verb === 'remove' && word !== undefined && words.length === 0) {
    return async (operator) => {
      await operator.removeKeyword(word)
      io.out(cliCopy.keywordRemoved(normalizeKeyword(word)))
      return 0
    }
  }
  throw new UsageError(cliCopy.usage.keywords)
}

/** The API when there is a token or a --url, else the database file on this machine. */
async function operatorFor(config: Config, options: Options, io: CliIo): Promise<Operator> {
  const { apiOperator, localOperator, OperatorError } = await import('./operators.js')
  if (config.adminToken !== undefined) return apiOperator(serverUrl(config, options.url), config.adminToken, io.fetch ?? fetch)
  if (options.url !== undefined) throw new OperatorError(cliCopy.needsToken(serverUrl(config, options.url)))
  return localOperator(config.databaseLocation, {
    create: options.create,
    poolMax: config.databasePoolMax,
    events: { webhook: config.events !== undefined, auth0: config.auth0 !== undefined },
  })
}

async function run(command: string, rest: string[], options: Options, io: CliIo): Promise<number> {
  const plain = createConfig(io.env)
  if (command === 'text') return text(resolveSecrets(plain).config, rest, options.url, io)
  const action = await operatorAction(command, rest, options, io)
  const operator = await operatorFor(plain, options, io)
  try {
    return await action(operator)
  } finally {
    await operator.close()
  }
}

/** The same io, except that nothing it prints can drive the terminal: operator text may hold control characters. */
function printableIo(io: CliIo): CliIo {
  const status = io.status
  return {
    ...io,
    out: (line) => io.out(printable(line)),
    err: (line) => io.err(printable(line)),
    ...(status === undefined ? {} : { status: (line: string) => status(printable(line)) }),
  }
}

export async function runCli(argv: string[], terminal: CliIo): Promise<number> {
  const io = printableIo(terminal)
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        'no-wait': { type: 'boolean' },
        restore: { type: 'boolean' },
        create: { type: 'boolean' },
        at: { type: 'string' },
        expires: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  const [command, ...rest] = parsed.positionals
  if (parsed.values.help === true || command === undefined) {
    ;(parsed.values.help === true ? io.out : io.err)(USAGE)
    return parsed.values.help === true ? 0 : 2
  }
  try {
    // wire and tunnel load their modules (Twilio's SDK, ngrok) only when asked for.
    if (command === 'wire') return await (await import('./wiring.js')).runWire(rest, parsed.values.restore === true, io)
    if (command === 'tunnel') return await (await import('./wiring.js')).runTunnel(rest, io)
    const options = {
      url: parsed.values.url,
      wait: parsed.values['no-wait'] !== true,
      create: parsed.values.create === true,
      at: parsed.values.at,
      expires: parsed.values.expires,
    }
    return await run(command, rest, options, io)
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`smsbot: ${err.message}\n\n${USAGE}`)
      return 2
    }
    // Only an operator command throws OperatorError: its module is loaded by then.
    if (err instanceof ConfigError || err instanceof (await import('./operators.js')).OperatorError) {
      io.err(err.message)
      return 1
    }
    io.err(`smsbot: ${(err as Error).message}`)
    return 1
  }
}
