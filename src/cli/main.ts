// The smsbot command line: text the running bot as Twilio would, and manage topics.
import { parseArgs } from 'node:util'
import { ConfigError, createConfig, type ResolvedConfig } from '../config.js'
import { migrateToLatest, openDatabase } from '../database.js'
import { resolveSecrets } from '../dev-secrets.js'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { TOPIC_KEY } from '../sms/commands.js'
import { inboundParams, messagesOf, signWebhook } from '../sms/simulate.js'
import { listOpenTopics, saveTopic } from '../topics/queries.js'

export interface CliIo {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
  fetch?: typeof fetch
}

export const USAGE = `Usage:
  smsbot text <from> <body...>        send a signed test SMS to the running server and print the reply
  smsbot topics add <key> <title...>  open a topic (or rename it)
  smsbot topics list                  list open topics with their subscriber counts

Options:
  --url <url>   the server to talk to (default: http://HOST:PORT from the environment)
  -h, --help    show this help

Configuration comes from the environment and .env, as for the server (see template.env).`

class UsageError extends Error {}

/** Where the running server listens, as seen from this machine. */
function serverUrl(config: ResolvedConfig, url: string | undefined): string {
  if (url !== undefined) return url.replace(/\/$/, '')
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
}

async function text(config: ResolvedConfig, args: string[], url: string | undefined, io: CliIo): Promise<number> {
  const [fromInput, ...words] = args
  if (fromInput === undefined || words.length === 0) throw new UsageError('text needs a phone number and a message')
  // Twilio sends whatever E.164 number the carrier gives, so any possible number will do here.
  const from = parsePhoneNumberFromString(fromInput, config.defaultCountry)
  if (from === undefined || !from.isPossible()) throw new UsageError(`"${fromInput}" is not a phone number, e.g. +15551234567`)

  const target = serverUrl(config, url)
  // The server checks the signature against PUBLIC_URL when it is set, so sign what it will rebuild.
  const signedUrl = `${(url === undefined ? config.publicUrl?.href.replace(/\/$/, '') : undefined) ?? target}/sms`
  const params = inboundParams({
    from: from.number,
    to: config.twilio.phoneNumber ?? '+15005550006',
    body: words.join(' '),
    accountSid: config.twilio.accountSid ?? `AC${'0'.repeat(32)}`,
  })
  const doFetch = io.fetch ?? fetch
  let response: Response
  try {
    response = await doFetch(`${target}/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signWebhook(config.twilio.authToken, signedUrl, params) },
      body: new URLSearchParams(params).toString(),
    })
  } catch {
    io.err(`Cannot reach smsbot at ${target}. Is it running (npm start)? Use --url to point elsewhere.`)
    return 1
  }
  const responseText = await response.text()
  if (!response.ok) {
    io.err(`smsbot answered ${response.status}: ${responseText}`)
    return 1
  }
  const messages = messagesOf(responseText)
  if (messages.length === 0) io.out('(no reply: empty TwiML)')
  for (const message of messages) io.out(message)
  return 0
}

async function topics(config: ResolvedConfig, args: string[], io: CliIo): Promise<number> {
  const [action, key, ...titleWords] = args
  if (action !== 'add' && action !== 'list') throw new UsageError('topics needs add or list')
  if (action === 'add' && (key === undefined || !TOPIC_KEY.test(key) || titleWords.length === 0)) {
    throw new UsageError('topics add needs a key (letters, digits, - _ .) and a title')
  }
  const db = openDatabase(config.databasePath)
  try {
    await migrateToLatest(db, config.databasePath)
    if (action === 'add') {
      const topic = await saveTopic(db, key as string, titleWords.join(' '), new Date())
      io.out(`Topic ${topic.key} is open: ${topic.title}`)
    } else {
      const { topics } = await listOpenTopics(db)
      if (topics.length === 0) io.out('No open topics. Add one: smsbot topics add CS2500-01 "Fundies 1"')
      for (const t of topics) io.out(`${t.key}\t${t.subscribers} subscriber${t.subscribers === 1 ? '' : 's'}\t${t.title}`)
    }
    return 0
  } finally {
    await db.destroy()
  }
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
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
    const { config } = resolveSecrets(createConfig(io.env))
    if (command === 'text') return await text(config, rest, parsed.values.url, io)
    if (command === 'topics') return await topics(config, rest, io)
    throw new UsageError(`unknown command "${command}"`)
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`smsbot: ${err.message}\n\n${USAGE}`)
      return 2
    }
    if (err instanceof ConfigError) {
      io.err(err.message)
      return 1
    }
    io.err(`smsbot: ${(err as Error).message}`)
    return 1
  }
}
