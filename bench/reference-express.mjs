// The reference server: smsbot's H and SUB webhook work on Twilio's documented stack (Express 5, twilio.webhook(), better-sqlite3).
import Database from 'better-sqlite3'
import express from 'express'
import twilio from 'twilio'

const MAX_SUBSCRIPTIONS = 20
const HELP =
  'SUB <topic> to follow, UNSUB <topic> or ALL to stop, LIST yours, TOPICS to browse, S for the web, ' +
  'QUIET 22-7 or OFF, LANG ES: español. STOP to opt out.'
// smsbot's defaults: PROGRAM_NAME smsbot, no SUPPORT_CONTACT.
const IDENTITY = 'smsbot: alerts for the topics you follow. Msg&data rates may apply. Reply STOP to cancel.'
const TOPIC_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/

// The file is migrated and seeded by the benchmark with smsbot's own schema; the pragmas are smsbot's.
const db = new Database(process.env.DATABASE_PATH)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.pragma('foreign_keys = ON')
db.pragma('busy_timeout = 5000')

const sql = {
  previous: db.prepare('SELECT reply FROM inbound_messages WHERE message_sid = ?').pluck(),
  rememberPhone: db.prepare('INSERT INTO phones (phone, first_seen_at) VALUES (?, ?) ON CONFLICT (phone) DO NOTHING'),
  openTopic: db.prepare('SELECT key, title FROM topics WHERE key = ? AND closed_at IS NULL'),
  subscribed: db.prepare('SELECT topic_key FROM subscriptions WHERE phone = ?').pluck(),
  subscribe: db.prepare('INSERT INTO subscriptions (phone, topic_key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
  // smsbot keeps a consent record: a subscription by SMS is consent to that topic's notifications.
  consent: db.prepare("INSERT INTO consent_records (phone, at, action, source, topic_key) VALUES (?, ?, 'subscribe', 'sms', ?)"),
  optedOut: db.prepare('SELECT opted_out_at FROM phones WHERE phone = ?').pluck(),
  // smsbot reads the phone's language for every reply (H included), and confirms a first subscription once.
  language: db.prepare('SELECT language FROM phones WHERE phone = ?').pluck(),
  welcome: db.prepare('UPDATE phones SET welcomed_at = ? WHERE phone = ? AND welcomed_at IS NULL'),
  record: db.prepare('INSERT INTO inbound_messages (message_sid, phone, command, reply, received_at) VALUES (?, ?, ?, ?, ?)'),
}

function subscribeReply(phone, topicKey, now) {
  if (!TOPIC_KEY.test(topicKey)) return 'Topic names are letters, digits, - _ and . like CS2500-01. Text TOPICS to see the open ones.'
  const topic = sql.openTopic.get(topicKey)
  if (topic === undefined) return `There is no open topic "${topicKey.slice(0, 64)}". Text TOPICS to see the open ones.`
  const existing = sql.subscribed.all(phone)
  if (existing.includes(topic.key)) return `You already follow ${topic.key}. Text LIST to see your topics.`
  if (existing.length >= MAX_SUBSCRIPTIONS)
    return `You already follow ${MAX_SUBSCRIPTIONS} topics, the most allowed. Text UNSUB <topic> to make room.`
  sql.subscribe.run(phone, topic.key, now)
  sql.consent.run(phone, now, topic.key)
  const first = sql.welcome.run(now, phone).changes > 0
  const title = topic.title.length > 40 ? `${topic.title.slice(0, 37).trimEnd()}...` : topic.title
  return (
    `Subscribed to ${topic.key} (${title}).` +
    (sql.optedOut.get(phone) !== null
      ? ' You opted out earlier: text START to get messages again.'
      : first
        ? ''
        : ` Text UNSUB ${topic.key} to stop.`) +
    (first ? ` ${IDENTITY}` : '')
  )
}

// One transaction per MessageSid: a retried webhook gets the stored reply and changes nothing.
const answerSubscribe = db.transaction((messageSid, phone, topicKey) => {
  const previous = sql.previous.get(messageSid)
  if (previous !== undefined) return previous
  const now = new Date().toISOString()
  sql.rememberPhone.run(phone, now)
  sql.language.get(phone)
  const reply = subscribeReply(phone, topicKey, now)
  sql.record.run(messageSid, phone, 'subscribe', reply, now)
  return reply
})

const app = express()
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }))
app.post('/sms', express.urlencoded({ extended: false }), twilio.webhook(process.env.TWILIO_AUTH_TOKEN), (req, res) => {
  const [word = '', ...rest] = String(req.body.Body ?? '')
    .trim()
    .toUpperCase()
    .split(/\s+/)
  const twiml = new twilio.twiml.MessagingResponse()
  if (word === 'H') {
    sql.language.get(req.body.From)
    twiml.message(HELP)
  } else if (word === 'SUB' && rest.length > 0) twiml.message(answerSubscribe(req.body.MessageSid, req.body.From, rest.join(' ')))
  else twiml.message("Sorry, I didn't understand that. Text H for help.")
  res.type('text/xml').send(twiml.toString())
})

const server = app.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () =>
  server.close(() => {
    db.close()
    process.exit(0)
  }),
)
