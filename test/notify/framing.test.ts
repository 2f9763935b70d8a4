// A notification's framing: the operator's text and how to stop that topic, in each recipient's language.
import { SegmentedMessage } from 'sms-segments-calculator'
import t from 'tap'
import { createDispatcher } from '../../src/notify/dispatcher.js'
import { framedSegments, frameNotification } from '../../src/notify/framing.js'
import { enqueueNotification, notificationProgress } from '../../src/notify/queries.js'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, memoryLogger, recordingSender, text } from '../helpers.js'

t.test('the footer in each language; a body too long for it goes alone; segments counted with the longest footer', async (t) => {
  t.equal(frameNotification('A seat opened.', 'CS2500-01'), 'A seat opened.\nText UNSUB CS2500-01 to stop.')
  t.equal(frameNotification('A seat opened.', 'CS2500-01', 'es'), 'A seat opened.\nEscribe UNSUB CS2500-01 para dejarlo.')
  t.equal(frameNotification('x'.repeat(1580), 'CS2500-01', 'es'), 'x'.repeat(1580), 'no room for the footer within 1 600 characters')
  t.equal(framedSegments('x'.repeat(130), 'CS2500-01'), 2, '130 characters fit one segment alone, not with the Spanish footer')
  t.equal(new SegmentedMessage(frameNotification('x'.repeat(100), 'CS2500-01', 'en')).segmentsCount, 1)
  t.equal(framedSegments('x'.repeat(100), 'CS2500-01'), 1)
  t.equal(framedSegments('Plazas libres 🎉', 'CS2500-01'), 1, 'UCS-2 bodies count in 70-character segments')
})

t.test('LANG ES by SMS, then a notification: the Spanish phone gets the Spanish footer, the other the English one', async (t) => {
  const { app, db, clock } = await buildTestApp(t)
  await saveTopic(db, 'CS2500-01', 'Fundamentals', clock.now())
  const spanish = '+16175550123'
  const english = '+16175550199'
  await text(app, 'LANG ES', { From: spanish })
  await text(app, 'SUB CS2500-01', { From: spanish })
  await text(app, 'SUB CS2500-01', { From: english })
  const published = await enqueueNotification(db, 'CS2500-01', 'A seat opened in CS2500-01', clock.now())
  t.same(published, { id: 1, recipients: 2, segments: 1 })
  const sender = recordingSender()
  const dispatcher = createDispatcher({
    db,
    sender,
    clock,
    logger: memoryLogger().logger,
    ratePerSecond: 100,
    concurrency: 10,
    leaseMs: 30_000,
    maxAttempts: 3,
    // Virtual time: waits pass as the loop below moves the clock.
    sleep: async (ms, wake) => {
      const until = clock.now().getTime() + ms
      while (clock.now().getTime() < until && !wake.aborted) await new Promise((resolve) => setImmediate(resolve))
    },
  })
  dispatcher.start()
  for (let i = 0; i < 100_000 && (await notificationProgress(db, 1, clock.now()))?.done !== true; i++) {
    clock.advance(10)
    await new Promise((resolve) => setImmediate(resolve))
  }
  await dispatcher.stop()
  t.same(Object.fromEntries(sender.sent.map((s) => [s.to, s.body])), {
    [spanish]: 'A seat opened in CS2500-01\nEscribe UNSUB CS2500-01 para dejarlo.',
    [english]: 'A seat opened in CS2500-01\nText UNSUB CS2500-01 to stop.',
  })
})
