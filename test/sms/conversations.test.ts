// Numbered menus and short conversations (SPEC §9) on an injected clock, on SQLite and on PostgreSQL.
import t from 'tap'
import { openMenu } from '../../src/sms/conversations.js'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, DATABASES, inbound, postSigned, text, type DatabaseKind, type TapT } from '../helpers.js'
import { messagesOf } from '../../src/twilio/simulate.js'

const PHONE = '+16175550123'
const MINUTE = 60_000

async function withTopics(t: TapT, database: DatabaseKind, count = 3, env: Record<string, string> = {}) {
  const test = await buildTestApp(t, { database, env })
  for (let i = 1; i <= count; i++) await saveTopic(test.db, `CS${1000 + i}`, `Course ${i}`, test.clock.now())
  return test
}

const subscriptions = async (db: Awaited<ReturnType<typeof buildTestApp>>['db'], phone = PHONE) =>
  (await db.selectFrom('subscriptions').select('topic_key').where('phone', '=', phone).orderBy('topic_key').execute()).map(
    (r) => r.topic_key,
  )

for (const database of DATABASES) {
  t.test(`${database}: TOPICS, then a number, subscribes; the conversation goes on until it expires`, async (t) => {
    const { app, db, clock } = await withTopics(t, database)
    t.equal(await text(app, 'TOPICS'), 'Topics: 1 CS1001 (Course 1), 2 CS1002 (Course 2), 3 CS1003 (Course 3). Reply 1-3 to follow.')
    t.match(
      await text(app, '2'),
      /^Subscribed to CS1002 \(Course 2\)\. smsbot: /,
      'the number subscribes (the first subscription carries the program identity)',
    )
    clock.advance(9 * MINUTE)
    t.equal(await text(app, '3.'), 'Subscribed to CS1003 (Course 3). Text UNSUB CS1003 to stop.', 'a second number, 9 minutes on')
    t.equal(await text(app, '3'), 'You already follow CS1003. Text LIST to see your topics.')
    t.equal(
      await text(app, '7'),
      'Reply 1-3 to follow one of the topics listed, or TOPICS to start again.',
      'a number the menu does not list',
    )
    t.same(await subscriptions(db), ['CS1002', 'CS1003'])
    clock.advance(10 * MINUTE)
    t.equal(
      await text(app, '1'),
      "Sorry, I didn't understand that. Text H for help.",
      'each answer kept it open for CONVERSATION_MINUTES; 10 minutes after the last, it is over',
    )
    t.same(await subscriptions(db), ['CS1002', 'CS1003'])
    t.equal(await openMenu(db, PHONE, clock.now()), undefined)
  })

  t.test(`${database}: CONVERSATION_MINUTES sets how long a menu lasts; the boundary minute is over`, async (t) => {
    const { app, db, clock } = await withTopics(t, database, 3, { CONVERSATION_MINUTES: '2' })
    await text(app, 'T')
    clock.advance(2 * MINUTE - 1)
    t.match(await text(app, '1'), /^Subscribed to CS1001/, 'just inside')
    clock.advance(2 * MINUTE)
    t.match(await text(app, '2'), /didn't understand/, 'exactly 2 minutes after the last answer: expired')
    t.same(await subscriptions(db), ['CS1001'])
  })

  t.test(`${database}: SUB alone answers the same menu; MORE continues it, numbered on, to the end of the list`, async (t) => {
    const { app, db } = await withTopics(t, database, 12)
    const first = await text(app, 'SUB')
    const shown = Number(/Reply 1-(\d+) to follow, MORE for (\d+) more\.$/.exec(first)?.[1])
    t.ok(shown >= 3, first)
    t.match(first, new RegExp(`MORE for ${12 - shown} more\\.$`))
    const second = await text(app, 'more')
    t.match(
      second,
      new RegExp(`^Topics: ${shown + 1} CS${1000 + shown + 1} \\(Course ${shown + 1}\\)`),
      'numbers go on after the first page',
    )
    let last = Number(/Reply \d+-(\d+) to follow/.exec(second)?.[1])
    t.match(await text(app, String(shown + 1)), new RegExp(`^Subscribed to CS${1000 + shown + 1} `))
    t.match(await text(app, '1'), /^Subscribed to CS1001 /, 'numbers of the first page still work')
    for (let page = 0; last < 12 && page < 10; page++) last = Number(/Reply \d+-(\d+) to follow/.exec(await text(app, 'MAS'))?.[1])
    t.equal(last, 12, 'MORE reached the last topic')
    t.equal(await text(app, 'MORE'), 'That was the whole list. Reply 1-12 to follow one of those topics.', 'MORE at the end of the list')
    t.match(await text(app, '12'), /^Subscribed to CS1012 /)
    t.same(await subscriptions(db), ['CS1001', `CS${1000 + shown + 1}`, 'CS1012'])
  })

  t.test(`${database}: a carrier keyword always wins and ends the conversation`, async (t) => {
    const { app, db, clock } = await withTopics(t, database)
    await text(app, 'TOPICS')
    t.equal(await text(app, 'STOP'), '', 'STOP mid-conversation: the carrier confirms')
    const phone = await db.selectFrom('phones').select('opted_out_at').where('phone', '=', PHONE).executeTakeFirstOrThrow()
    t.not(phone.opted_out_at, null, 'opted out')
    t.equal(await openMenu(db, PHONE, clock.now()), undefined, 'the conversation is over')
    t.match(await text(app, '1'), /didn't understand/, 'its numbers no longer subscribe')
    await text(app, 'TOPICS')
    t.match(await text(app, 'HELP'), /Reply STOP to cancel\.$/, 'HELP answers the program identity')
    t.match(await text(app, '1'), /didn't understand/, 'and ends the conversation too')
    await text(app, 'TOPICS')
    t.equal(await text(app, 'START'), '')
    t.match(await text(app, '1'), /didn't understand/, 'as does START')
    t.same(await subscriptions(db), [])
  })

  t.test(`${database}: a number without a menu, MORE without a menu, and no topics at all`, async (t) => {
    const { app, db } = await withTopics(t, database, 0)
    t.equal(await text(app, '1'), "Sorry, I didn't understand that. Text H for help.")
    t.equal(await text(app, 'MORE'), 'Text TOPICS to see the topics, then reply with a number to follow one.')
    t.equal(await text(app, 'TOPICS'), 'There are no open topics yet. Check back soon.')
    t.equal(await text(app, 'SUB'), 'There are no open topics yet. Check back soon.')
    t.match(await text(app, '1'), /didn't understand/, 'an empty list opens no conversation')
    t.same(await db.selectFrom('conversations').selectAll().execute(), [])
  })

  t.test(
    `${database}: a topic closed after the menu was shown; another phone's menu is its own; a retried number has one effect`,
    async (t) => {
      const { app, db, clock } = await withTopics(t, database)
      await text(app, 'TOPICS')
      await db.updateTable('topics').set({ closed_at: clock.now().toISOString() }).where('key', '=', 'CS1002').execute()
      t.equal(await text(app, '2'), 'There is no open topic "CS1002". Text TOPICS to see the open ones.')
      t.match(await text(app, '1', { From: '+16175550199' }), /didn't understand/, 'the other phone has no menu')
      const params = inbound('3', { From: PHONE })
      const first = messagesOf((await postSigned(app, params)).body)[0]
      await text(app, 'UNSUB ALL')
      t.equal(messagesOf((await postSigned(app, params)).body)[0], first, 'the retry gets the stored reply')
      t.same(await subscriptions(db), [], 'and subscribes nothing again')
    },
  )
}

t.test('MORE past the most numbers a conversation keeps: the oldest stop working, the numbers go on', async (t) => {
  const { app, db } = await withTopics(t, 'sqlite', 70)
  await text(app, 'TOPICS')
  let last = 0
  for (let page = 0; last < 70 && page < 40; page++) last = Number(/Reply \d+-(\d+) to follow/.exec(await text(app, 'MORE'))?.[1])
  t.equal(last, 70)
  t.equal(await text(app, 'MORE'), 'That was the whole list. Reply 11-70 to follow one of those topics.', 'the last 60 numbers are kept')
  t.equal(await text(app, '10'), 'Reply 11-70 to follow one of the topics listed, or TOPICS to start again.')
  t.match(await text(app, '11'), /^Subscribed to CS1011 /)
  t.same(await subscriptions(db), ['CS1011'])
})

t.test('a conversation row that is not a menu is no conversation', async (t) => {
  const { app, db, clock } = await withTopics(t, 'sqlite')
  const expires = new Date(clock.now().getTime() + MINUTE).toISOString()
  for (const menu of ['not json', '{"first":"1","keys":[]}', '{"first":1,"keys":[1]}', 'null']) {
    await db
      .insertInto('conversations')
      .values({ phone: PHONE, menu, expires_at: expires })
      .onConflict((oc) => oc.column('phone').doUpdateSet({ menu }))
      .execute()
    t.match(await text(app, '1'), /didn't understand/, menu)
  }
})
