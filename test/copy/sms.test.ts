// The SMS catalogue: every entry of every language fits one segment (a first subscription's confirmation two), the
// Spanish stays in GSM-7, both languages have the same entries, and no text tells people to text UNSUBSCRIBE.
import { SegmentedMessage } from 'sms-segments-calculator'
import t from 'tap'
import { LANGUAGES } from '../../src/language.js'
import { COMMANDS } from '../../src/sms/commands/index.js'
import { helpText } from '../../src/sms/commands/help.js'
import { smsCopy, type MenuItem, type SmsCopy } from '../../src/copy/index.js'

const topic = { key: 'CS2500-01', title: 'Fundamentals of Computer Science 1' }
const longTopic = { key: 'ENGW3302-ONLINE.SPRING', title: 'Advanced Writing in the Technical Professions, online section' }
const longKey = 'A'.repeat(64)
const program = { name: 'SearchNEU seat alerts', contact: 'help@searchneu.example.edu' }
/** The longest PROGRAM_NAME and SUPPORT_CONTACT the configuration accepts. */
const longest = { name: 'N'.repeat(30), contact: `https://support.example.edu/${'s'.repeat(32)}` }
const items = (n: number, from = 1): MenuItem[] =>
  Array.from({ length: n }, (_, i) => ({ ...(i % 2 === 0 ? longTopic : topic), number: from + i }))

/** The worst cases of each entry: long keys and titles, big numbers, a long link. */
const samples: { [K in keyof SmsCopy]: (copy: SmsCopy) => string[] } = {
  help: (copy) => [copy.help([]), helpText(COMMANDS, copy === smsCopy.en ? 'en' : 'es')],
  identity: (copy) => [
    copy.identity(program),
    copy.identity({ name: 'smsbot', contact: undefined }),
    copy.identity(longest),
    copy.identity({ ...longest, contact: undefined }),
  ],
  signup: (copy) => [copy.signup('https://abc123.ngrok-free.app/verify/link?t=16175550123.tb8k2q.AbCdEfGhIjKl.AbCdEfGhIjKlMnOpQrStUv', 15)],
  unsubscribeWhich: (copy) => [copy.unsubscribeWhich],
  subscribed: (copy) => [
    copy.subscribed(topic, false),
    copy.subscribed(longTopic, false),
    copy.subscribed(longTopic, true),
    copy.subscribed({ key: longKey, title: longTopic.title }, false),
  ],
  alreadySubscribed: (copy) => [copy.alreadySubscribed(longKey)],
  invalidTopic: (copy) => [copy.invalidTopic],
  noSuchTopic: (copy) => [copy.noSuchTopic(longKey)],
  tooManySubscriptions: (copy) => [copy.tooManySubscriptions(10_000)],
  unsubscribed: (copy) => [copy.unsubscribed(longKey)],
  notSubscribed: (copy) => [copy.notSubscribed(longKey)],
  unsubscribedAll: (copy) => [copy.unsubscribedAll(0), copy.unsubscribedAll(1), copy.unsubscribedAll(10_000)],
  list: (copy) => [copy.list([]), copy.list([longKey]), copy.list(Array.from({ length: 20 }, (_, i) => `CS${2500 + i}-0${i % 10}`))],
  menu: (copy) => [
    copy.menu(items(1), 0).text,
    copy.menu(items(8), 9000).text,
    copy.menu(items(8, 53), 0).text,
    copy.menu([{ key: longKey, title: longTopic.title, number: 9999 }], 9999).text,
  ],
  noTopics: (copy) => [copy.noTopics],
  menuDone: (copy) => [copy.menuDone(1, 4), copy.menuDone(9941, 9999)],
  noMenu: (copy) => [copy.noMenu],
  menuRange: (copy) => [copy.menuRange(1, 1), copy.menuRange(9941, 9999)],
  unknown: (copy) => [copy.unknown(null), copy.unknown('UNSUB <topic>')],
  empty: (copy) => [copy.empty],
  mediaOnly: (copy) => [copy.mediaOnly],
  noText: (copy) => [copy.noText],
  languageSet: (copy) => [copy.languageSet],
  languageWhich: (copy) => [copy.languageWhich],
  quietOff: (copy) => [copy.quietOff],
  quietDefault: (copy) => [copy.quietDefault(undefined), copy.quietDefault({ start: 21 * 60 + 30, end: 7 * 60 + 45 })],
  quietSet: (copy) => [copy.quietSet({ start: 23 * 60 + 59, end: 0 })],
  quietInvalid: (copy) => [copy.quietInvalid],
  zoneSet: (copy) => [copy.zoneSet('America/Argentina/ComodRivadavia')],
  zoneAuto: (copy) => [copy.zoneAuto],
  zoneInvalid: (copy) => [copy.zoneInvalid],
  settings: (copy) => [
    copy.settings({ window: undefined, own: false }, null),
    copy.settings({ window: { start: 22 * 60 + 30, end: 7 * 60 + 15 }, own: false }, 'America/Argentina/ComodRivadavia'),
    copy.settings({ window: { start: 22 * 60, end: 7 * 60 }, own: true }, null),
  ],
  code: (copy) => [copy.code('0123456789')],
  notificationFooter: (copy) => [copy.notificationFooter(longKey)],
  failure: (copy) => [copy.failure],
}

t.test('both languages have the same entries, and every entry has its worst cases here', async (t) => {
  t.same(Object.keys(smsCopy.es).sort(), Object.keys(smsCopy.en).sort())
  t.same(Object.keys(samples).sort(), Object.keys(smsCopy.en).sort())
})

for (const language of LANGUAGES) {
  t.test(`${language}: every fixed reply fits one SMS segment`, async (t) => {
    const copy = smsCopy[language]
    for (const [name, sample] of Object.entries(samples)) {
      for (const text of sample(copy)) {
        const message = new SegmentedMessage(text)
        t.equal(message.segmentsCount, 1, `${name} (${text.length} chars, ${message.encodingName}): ${text}`)
        t.notMatch(text, /\bUNSUBSCRIBE\b/, `${name} never suggests the carrier keyword`)
      }
    }
  })

  t.test(`${language}: a first subscription's confirmation, with the program identity, fits two segments`, async (t) => {
    const copy = smsCopy[language]
    for (const identity of [copy.identity(program), copy.identity({ name: 'smsbot', contact: undefined }), copy.identity(longest)]) {
      for (const subscribed of [
        copy.subscribed(longTopic, false, identity),
        copy.subscribed(longTopic, true, identity),
        copy.subscribed({ key: longKey, title: longTopic.title }, false, identity),
      ]) {
        t.ok(new SegmentedMessage(subscribed).segmentsCount <= 2, `${subscribed.length} chars: ${subscribed}`)
        t.match(subscribed, /STOP/, 'says how to stop')
      }
    }
  })
}

t.test('the Spanish catalogue is GSM-7 throughout, so it never makes a text UCS-2 (70 characters a segment)', async (t) => {
  for (const [name, sample] of Object.entries(samples)) {
    for (const text of sample(smsCopy.es)) t.equal(new SegmentedMessage(text).encodingName, 'GSM-7', `${name}: ${text}`)
  }
})

t.test('H lists every command that has a help line, in both languages', async (t) => {
  for (const language of LANGUAGES) {
    const text = helpText(COMMANDS, language)
    for (const command of COMMANDS) if (command.help !== null) t.ok(text.includes(command.help[language]), `${language}: ${command.name}`)
  }
})

t.test('lists that do not fit say how many were left out; menus number what they show', async (t) => {
  t.match(smsCopy.en.list(Array.from({ length: 20 }, (_, i) => `CS${2500 + i}-0${i % 10}`)), /\+\d+ more/)
  t.match(smsCopy.es.list(Array.from({ length: 20 }, (_, i) => `CS${2500 + i}-0${i % 10}`)), /\+\d+ otros/)
  const menu = smsCopy.en.menu(items(8), 32)
  t.ok(menu.shown >= 2 && menu.shown < 8, `${menu.shown} shown`)
  t.match(
    menu.text,
    new RegExp(
      `^Topics: 1 ENGW3302-ONLINE\\.SPRING \\(Advanced Writing\\.\\.\\.\\), 2 CS2500-01 \\(Fundamentals of C\\.\\.\\.\\)\\. ` +
        `Reply 1-${menu.shown} to follow, MORE for ${32 + 8 - menu.shown} more\\.$`,
    ),
  )
  t.equal(smsCopy.en.menu([{ ...topic, number: 5 }], 0).text, 'Topics: 5 CS2500-01 (Fundamentals of C...). Reply 5 to follow.')
  t.equal(
    smsCopy.es.menu(
      items(2, 5).map((i) => ({ ...i, ...topic })),
      0,
    ).text,
    'Temas: 5 CS2500-01 (Fundamentals of C...), 6 CS2500-01 (Fundamentals of C...). Responde 5 a 6 para seguir uno.',
  )
  t.same(smsCopy.en.menu([], 0), { text: 'Topics: . Reply 1 to follow.', shown: 0 }, 'never asked for: a menu has a topic')
})
