// Every consent change made by SMS writes exactly one record, with the keyword texted (SPEC §8).
import t from 'tap'
import { consentRecords } from '../../src/consent/queries.js'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, inbound, postSigned, text } from '../helpers.js'

const PHONE = '+16175550123'

t.test('SMS keywords, SUB, a menu number, UNSUB and UNSUB ALL: one record each; a retry and a no-op add none', async (t) => {
  const { app, db, clock } = await buildTestApp(t)
  await saveTopic(db, 'CS1', 'One', clock.now())
  await saveTopic(db, 'CS2', 'Two', clock.now())
  await text(app, 'SUB CS1')
  await text(app, 'SUB CS1')
  await text(app, 'T')
  await text(app, '2')
  await text(app, 'UNSUB CS1')
  await text(app, 'UNSUB CS1')
  await text(app, 'UNSUB ALL')
  const stop = inbound('stop', { From: PHONE })
  await postSigned(app, stop)
  await postSigned(app, stop)
  await text(app, 'Unstop')
  const records = (await consentRecords(db, PHONE)).map((r) => [r.action, r.source, r.topic, r.detail])
  t.same(records, [
    ['subscribe', 'sms', 'CS1', null],
    ['subscribe', 'sms', 'CS2', null],
    ['unsubscribe', 'sms', 'CS1', null],
    ['unsubscribe', 'sms', 'CS2', null],
    ['opt_out', 'sms', null, 'STOP'],
    ['opt_in', 'sms', null, 'UNSTOP'],
  ])
})
