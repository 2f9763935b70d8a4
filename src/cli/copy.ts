// Every sentence the smsbot command prints, in one place.
import type { ConsentRecord } from '../consent/queries.js'
import type { Published, Progress } from '../notify/queries.js'
// From copy/ itself, not log.ts: log.ts loads pino, which `smsbot text` never needs.
import { maskPhone } from '../copy/phone.js'
import type { KeywordReply } from '../operators/keywords.js'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

export const USAGE = `Usage:
  smsbot text <from> <body...>          send a signed test SMS to the running server and print the reply
  smsbot topics add <key> <title...>    open a topic (or rename and reopen it)
  smsbot topics list                    list open topics with their subscriber counts
  smsbot topics close <key>             close a topic (its subscribers are told nothing)
  smsbot notify <topic> <text...>       text every subscriber of a topic and show progress until done
         [--at <time>] [--expires <time>]   not before --at, not at or after --expires (ISO 8601, or +30m, +2h, +1d)
  smsbot progress <id>                  show a notification's progress until done
  smsbot consent <phone>                a phone's consent record: opt-outs, opt-ins, subscriptions, verification
  smsbot keywords add <word> <reply...> answer a texted word with a fixed reply (or change its reply)
  smsbot keywords list                  list the keywords, their replies and segment counts
  smsbot keywords remove <word>         stop answering that word
  smsbot tunnel                         open an ngrok tunnel, run the server behind it, point the Twilio number at it
  smsbot wire <public-url>              point the Twilio number's SMS webhook at <public-url>/sms (POST)
  smsbot wire --restore                 put back the SMS webhook that smsbot wire or tunnel replaced

Options:
  --url <url>   the server to talk to (default: http://HOST:PORT from the environment)
  --no-wait     notify: return as soon as the notification is queued
  --at          notify: send at this time, e.g. 2026-12-01T09:00:00-05:00 or +30m
  --expires     notify: drop what is not sent by then, e.g. +2h (after --at when both are given)
  --restore     wire: put the previous webhook back
  --create      topics, notify: create the local database when it does not exist yet
  -h, --help    show this help

topics, notify, progress, consent and keywords use the server's operator API when ADMIN_TOKEN is set
(or --url is given); otherwise they open the database directly (DATABASE_URL, or
DATABASE_PATH on the machine the server runs on, which must exist unless --create).
Configuration comes from the environment and .env, as for the server (see template.env).`

export const cliCopy = {
  unreachable: (url: string) => `Cannot reach smsbot at ${url}. Is it running (npm start)? Use --url to point elsewhere.`,
  answered: (status: number, text: string) => `smsbot answered ${status}: ${text}`,
  needsToken: (url: string) => `ADMIN_TOKEN is needed to use the operator API at ${url}: set it to the server's ADMIN_TOKEN.`,
  noReply: '(no reply: empty TwiML)',
  noDatabase: (path: string) =>
    `There is no database at ${path} (DATABASE_PATH). Run this where the server runs, set DATABASE_PATH (or DATABASE_URL, or ` +
    `ADMIN_TOKEN and --url for the API), or add --create to start a new one.`,
  topicOpen: (key: string, title: string) => `Topic ${key} is open: ${title}`,
  topicClosed: (key: string) => `Topic ${key} is closed. Its subscribers are kept and were told nothing.`,
  topicLine: (key: string, subscribers: number, title: string) => `${key}\t${plural(subscribers, 'subscriber')}\t${title}`,
  noTopics: 'No open topics. Add one: smsbot topics add CS2500-01 "Fundies 1"',
  queued: (key: string, p: Published) =>
    `Notification ${p.id} to ${key}: ${plural(p.recipients, 'recipient')}, ${plural(p.segments, 'segment')} each.`,
  nobody: 'Nobody to text: the topic has no subscribers who can receive (opted-out and invalid numbers are skipped).',
  follow: (id: number) => `Follow it with: smsbot progress ${id}`,
  watching: 'Ctrl-C stops watching; sending goes on in the server.',
  finished: (p: Progress) =>
    `Done: ${p.sent + p.delivered} of ${p.recipients} accepted by Twilio (${p.delivered} delivered so far), ${p.failed} ` +
    `failed${p.expired > 0 ? `, ${p.expired} expired (not sent by ${p.expiresAt ?? 'the expiry'})` : ''}.`,
  scheduled: (sendAt: string | undefined, expiresAt: string | undefined) =>
    (sendAt === undefined ? 'Sending now' : `Scheduled for ${sendAt}`) +
    (expiresAt === undefined ? '' : `; whatever is not sent by ${expiresAt} expires`) +
    '.',
  /** Nothing is due now, but rows wait for sendAt or for quiet hours to end: watching stops here. */
  waiting: (p: Progress) =>
    `Waiting: ${[
      p.scheduled > 0 ? `${p.scheduled} scheduled for ${p.sendAt ?? 'later'}` : '',
      p.held > 0 ? `${p.held} held for the recipients' quiet hours` : '',
    ]
      .filter(Boolean)
      .join(', ')}` +
    ` (${p.sent + p.delivered} sent so far). The server sends them when they are due; follow with: smsbot progress ${p.id}`,
  consentHeader: 'time (UTC)                action       source  topic / detail',
  consentLine: (r: ConsentRecord) =>
    `${r.at}  ${r.action.padEnd(11)}  ${r.source.padEnd(6)}  ${[r.topic, r.detail].filter((v) => v !== null).join(' ')}`.trimEnd(),
  noConsent: (phone: string) => `No consent changes are recorded for ${phone}.`,
  keywordSaved: (k: KeywordReply) => `Keyword ${k.word} answers: ${k.reply} (${plural(k.segments, 'segment')})`,
  keywordLine: (k: KeywordReply) =>
    `${k.word}\t${plural(k.segments, 'segment')}\t${k.reply.length > 60 ? `${k.reply.slice(0, 57)}...` : k.reply}`.replace(
      /\s*[\r\n]+\s*/g,
      ' ',
    ),
  noKeywords: 'No keywords. Add one: smsbot keywords add HOURS "Open 9 to 5, Monday to Friday."',
  keywordRemoved: (word: string) => `Keyword ${word} removed: texting it gets the usual answer again.`,
  usage: {
    text: 'text needs a phone number and a message',
    notPhone: (input: string) => `"${input}" is not a phone number, e.g. +15551234567`,
    topics: 'topics needs add, list or close',
    topicKey: 'needs a topic key (letters, digits, - _ .)',
    topicTitle: 'topics add needs a title after the key',
    notify: 'notify needs a topic key and the text to send',
    progress: 'progress needs a notification id (a number)',
    consent: 'consent needs a phone number in E.164 form, e.g. +16175550123',
    keywords: 'keywords needs add <word> <reply...>, list, or remove <word>',
    when: (option: string, input: string) =>
      `${option} "${input}" is not a time: give an ISO 8601 time with its offset (2026-12-01T09:00:00-05:00) or +30m, +2h, +1d`,
    unknown: (command: string) => `unknown command "${command}"`,
  },
} as const

const NGROK_TOKEN_PAGE = 'https://dashboard.ngrok.com/get-started/your-authtoken'
const webhook = (url: string, method: string) => `${url}${method === '' ? '' : ` (${method})`}`
const listed = (names: string[]) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`)

/** smsbot tunnel and smsbot wire: what they did, and for each refusal what to fix. */
export const wiringCopy = {
  usage: {
    wire: 'wire needs the public base URL Twilio should call, e.g. https://abc123.ngrok-free.app (or --restore)',
    restoreAlone: 'wire --restore takes no URL',
    tunnel: 'tunnel takes no arguments (PORT and HOST come from the environment)',
    publicUrl: (input: string) => `"${input}" is not an http(s) URL without query, e.g. https://abc123.ngrok-free.app`,
  },
  needsTwilio: (command: string, missing: string[]) =>
    `smsbot ${command} changes your Twilio number's SMS webhook, so it needs ${listed(missing)}: set ` +
    `${missing.length === 1 ? 'it' : 'them'} in the environment or .env (see template.env).`,
  noNgrokToken:
    `NGROK_AUTHTOKEN is not set: copy your authtoken from ${NGROK_TOKEN_PAGE} ` +
    '(a free ngrok account will do) into .env as NGROK_AUTHTOKEN=…',
  fixedPort: 'smsbot tunnel needs a fixed PORT to forward to (got 0): set PORT, e.g. PORT=3000.',
  credentials: (accountSid: string) =>
    `Twilio refused the credentials for account ${accountSid} (401, error 20003): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN ` +
    `against the Account Info on https://console.twilio.com (live credentials, not test ones).`,
  noNumber: (phone: string, accountSid: string) =>
    `${maskPhone(phone)} is not a phone number of Twilio account ${accountSid}: set TWILIO_PHONE_NUMBER to one of the account's active ` +
    `numbers (Phone Numbers → Manage → Active numbers), in E.164 form such as +15551234567.`,
  twilioUnreachable: (apiUrl: string, detail: string) =>
    `Cannot reach Twilio's API at ${apiUrl} (${detail}): check your internet connection, or TWILIO_API_URL if you set it.`,
  twilioAnswered: (status: number, code: number | undefined, detail: string) =>
    `Twilio answered ${status}${code === undefined ? '' : ` (error ${code})`}: ${detail}`,
  tunnelToken: (detail: string) =>
    `ngrok refused NGROK_AUTHTOKEN: copy your authtoken again from ${NGROK_TOKEN_PAGE}. (ngrok said: ${detail})`,
  tunnelBusy: (detail: string) =>
    `ngrok refused the tunnel: your ngrok account already has an agent session open (the free plan allows one). Stop the other ngrok ` +
    `or smsbot tunnel, then try again. (ngrok said: ${detail})`,
  tunnelUnreachable: (detail: string) =>
    `Cannot reach ngrok's service to open the tunnel: check your internet connection, or a firewall or proxy in the way. (ngrok said: ` +
    `${detail})`,
  tunnelRefused: (detail: string) => `ngrok refused the tunnel: ${detail}. Check your account's limits on https://dashboard.ngrok.com.`,
  wired: (phone: string, url: string) => `Twilio number ${maskPhone(phone)} now sends incoming SMS to ${webhook(url, 'POST')}.`,
  previous: (url: string, method: string) =>
    url === ''
      ? 'It had no SMS webhook before; smsbot wire --restore removes this one.'
      : `Before, it sent them to ${webhook(url, method)}; smsbot wire --restore puts that back.`,
  smsApplication: (sid: string) =>
    `Note: TwiML app ${sid} handles this number's SMS, and Twilio then ignores the number's own webhook. In the Twilio console, set ` +
    `the number's "A message comes in" to Webhook.`,
  publicUrlReminder: (url: string) => `Run the server with PUBLIC_URL=${url} so that it checks Twilio's signatures against that URL.`,
  restored: (phone: string, url: string, method: string) =>
    url === ''
      ? `Twilio number ${maskPhone(phone)} has no SMS webhook again, as before smsbot set one.`
      : `Twilio number ${maskPhone(phone)} sends incoming SMS to ${webhook(url, method)} again.`,
  changedSince: (phone: string, url: string) =>
    `Left Twilio number ${maskPhone(phone)} as it is: its SMS webhook was changed to ${url === '' ? 'none' : url} after smsbot set it.`,
  nothingToRestore: (path: string) => `Nothing to restore: no webhook change by smsbot is recorded in ${path}.`,
  badRecord: (path: string) =>
    `${path} is not a webhook record smsbot wrote: put the previous webhook back in the Twilio console, then delete that file.`,
  retryRestore: 'Once that is fixed, smsbot wire --restore puts the previous webhook back.',
  tunnelOpen: (url: string, local: string) => `Tunnel open: ${url} → ${local}`,
  starting: (url: string) => `Starting smsbot with PUBLIC_URL=${url}`,
  ready: 'Ready: text your Twilio number. Ctrl-C stops the server and the tunnel and puts the previous webhook back.',
  stopping: 'Stopping: putting the previous webhook back.',
  stoppedEarly: (exit: string) =>
    `The server stopped before it was ready (${exit}); its messages are above. The Twilio webhook was not changed.`,
  stoppedLater: (exit: string) => `The server stopped (${exit}); its messages are above.`,
  tunnelClosed: 'Tunnel closed.',
} as const
