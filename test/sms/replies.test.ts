// Reply copy: every fixed reply fits one SMS segment, and none tells people to text UNSUBSCRIBE.
import { SegmentedMessage } from 'sms-segments-calculator'
import t from 'tap'
import { replies } from '../../src/sms/replies.js'

const topic = { key: 'CS2500-01', title: 'Fundamentals of Computer Science 1' }
const longTopic = { key: 'ENGW3302-ONLINE.SPRING', title: 'Advanced Writing in the Technical Professions, online section' }

const samples: Record<string, string> = {
  help: replies.help,
  signup: replies.signup('https://abc123.ngrok-free.app/verify/link?t=16175550123.tb8k2q.AbCdEfGhIjKl.AbCdEfGhIjKlMnOpQrStUv', 15),
  subscribeWhich: replies.subscribeWhich,
  unsubscribeWhich: replies.unsubscribeWhich,
  subscribed: replies.subscribed(topic, false),
  subscribedLong: replies.subscribed(longTopic, false),
  subscribedOptedOut: replies.subscribed(longTopic, true),
  alreadySubscribed: replies.alreadySubscribed(longTopic.key),
  noSuchTopic: replies.noSuchTopic(longTopic.key),
  invalidTopic: replies.invalidTopic,
  tooManySubscriptions: replies.tooManySubscriptions(20),
  unsubscribed: replies.unsubscribed(longTopic.key),
  notSubscribed: replies.notSubscribed(longTopic.key),
  unsubscribedNone: replies.unsubscribedAll(0),
  unsubscribedOne: replies.unsubscribedAll(1),
  unsubscribedMany: replies.unsubscribedAll(12),
  listNone: replies.list([]),
  listMany: replies.list(Array.from({ length: 20 }, (_, i) => `CS${2500 + i}-0${i % 10}`)),
  topicsNone: replies.topics([], 0),
  topicsMany: replies.topics([topic, longTopic, topic, longTopic], 40),
  unknown: replies.unknown('UNSUB <topic>'),
  unknownNone: replies.unknown(null),
  empty: replies.empty,
  mediaOnly: replies.mediaOnly,
  noText: replies.noText,
  failure: replies.failure,
}

t.test('every fixed reply fits one SMS segment', async (t) => {
  for (const [name, text] of Object.entries(samples)) {
    const segments = new SegmentedMessage(text).segmentsCount
    t.equal(segments, 1, `${name} (${text.length} chars): ${text}`)
  }
})

t.test('no reply tells people to text UNSUBSCRIBE (a carrier opt-out keyword)', async (t) => {
  for (const [name, text] of Object.entries(samples)) t.notMatch(text, /\bUNSUBSCRIBE\b/, name)
})

t.test('lists that do not fit say how many were left out', async (t) => {
  t.match(samples.listMany, /\+\d+ more/)
  t.match(samples.topicsMany, /\+3[6-9] more/)
  t.match(replies.subscribed(longTopic, false), /\.\.\.\)/, 'long titles are shortened')
})
