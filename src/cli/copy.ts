// Every sentence the smsbot command prints, in one place.
import type { Published, Progress } from '../notify/queries.js'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

export const USAGE = `Usage:
  smsbot text <from> <body...>          send a signed test SMS to the running server and print the reply
  smsbot topics add <key> <title...>    open a topic (or rename and reopen it)
  smsbot topics list                    list open topics with their subscriber counts
  smsbot topics close <key>             close a topic (its subscribers are told nothing)
  smsbot notify <topic> <text...>       text every subscriber of a topic and show progress until done
  smsbot progress <id>                  show a notification's progress until done

Options:
  --url <url>   the server to talk to (default: http://HOST:PORT from the environment)
  --no-wait     notify: return as soon as the notification is queued
  -h, --help    show this help

topics, notify and progress use the server's operator API when ADMIN_TOKEN is set
(or --url is given); otherwise they open DATABASE_PATH directly, for the machine
the server runs on. Configuration comes from the environment and .env, as for the
server (see template.env).`

export const cliCopy = {
  unreachable: (url: string) => `Cannot reach smsbot at ${url}. Is it running (npm start)? Use --url to point elsewhere.`,
  answered: (status: number, text: string) => `smsbot answered ${status}: ${text}`,
  needsToken: (url: string) => `ADMIN_TOKEN is needed to use the operator API at ${url}: set it to the server's ADMIN_TOKEN.`,
  noReply: '(no reply: empty TwiML)',
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
    `Done: ${p.sent + p.delivered} of ${p.recipients} accepted by Twilio (${p.delivered} delivered so far), ${p.failed} failed.`,
  usage: {
    text: 'text needs a phone number and a message',
    notPhone: (input: string) => `"${input}" is not a phone number, e.g. +15551234567`,
    topics: 'topics needs add, list or close',
    topicKey: 'needs a topic key (letters, digits, - _ .)',
    topicTitle: 'topics add needs a title after the key',
    notify: 'notify needs a topic key and the text to send',
    progress: 'progress needs a notification id (a number)',
    unknown: (command: string) => `unknown command "${command}"`,
  },
} as const
