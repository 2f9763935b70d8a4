// Replies first (SPEC §14): a code sent while notifications fan out takes the next slot of the one send budget.
import t from 'tap'
import type { Clock } from '../../src/clock.js'
import { createDispatcher, type Dispatcher } from '../../src/notify/dispatcher.js'
import { enqueueNotification, notificationProgress } from '../../src/notify/queries.js'
import { createReplySender } from '../../src/notify/reply-sender.js'
import { createSendGate } from '../../src/notify/send-gate.js'
import { rememberPhone } from '../../src/phones/queries.js'
import { saveTopic, subscribe } from '../../src/topics/queries.js'
import { DATABASES, memoryLogger, recordingSender, testClock, testDbOf } from '../helpers.js'

const RATE = 5
const INTERVAL = 1000 / RATE
const phone = (i: number) => `+1617555${String(1000 + i)}`
const CODE_PHONE = '+16175559999'

/** The most sends in any closed 1-second window. */
function busiestSecond(at: number[]): number {
  const sorted = [...at].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) > 1000) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

for (const kind of DATABASES) {
  t.test(`${kind}: a code during a fan-out on two instances goes after the slots already held, and the budget holds`, async (t) => {
    const { db } = await testDbOf(t, kind)
    const virtual = testClock()
    // Virtual time: a sleeper waits until the test has moved the clock far enough.
    const clock: Clock = {
      now: () => virtual.now(),
      sleep: async (ms, signal) => {
        const until = virtual.now().getTime() + ms
        while (virtual.now().getTime() < until && signal?.aborted !== true) await new Promise((resolve) => setImmediate(resolve))
      },
    }
    const sender = recordingSender()
    const sends: Array<{ to: string; at: number }> = []
    const send = sender.send.bind(sender)
    sender.send = async (sms) => {
      sends.push({ to: sms.to, at: virtual.now().getTime() })
      return send(sms)
    }
    await saveTopic(db, 'CS2500-01', 'Fundamentals', clock.now())
    const recipients = 40
    for (let i = 0; i < recipients; i++) {
      await rememberPhone(db, phone(i), clock.now())
      await subscribe(db, phone(i), 'CS2500-01', 20, clock.now())
    }
    const { logger } = memoryLogger()
    // Two instances on one database share the schedule: each dispatches, and the replies go through a third gate.
    const dispatchers: Dispatcher[] = [0, 1].map(() =>
      createDispatcher({
        db,
        sender,
        clock,
        logger,
        ratePerSecond: RATE,
        concurrency: 4,
        leaseMs: 30_000,
        maxAttempts: 3,
        sleep: (ms, wake) => clock.sleep(ms, wake),
        idleMs: 50,
      }),
    )
    const replies = createReplySender(sender, createSendGate({ db, clock, ratePerSecond: RATE, maxReserved: 1 }))
    const { id } = await enqueueNotification(db, 'CS2500-01', 'A seat opened', clock.now())
    for (const dispatcher of dispatchers) dispatcher.start()
    const tick = async () => {
      virtual.advance(5)
      // A real millisecond per 5 virtual ones: PostgreSQL's round trips (real time) keep up with the virtual clock under load.
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    while (sends.length < 10) await tick()

    const asked = virtual.now().getTime()
    let sent = false
    const code = replies.send({ to: CODE_PHONE, body: 'Your code is 1234', sensitive: true }).then(() => void (sent = true))
    while (!sent) await tick()
    await code
    const codeAt = (sends.find((s) => s.to === CODE_PHONE) as { at: number }).at
    const queuedWhenAsked = recipients - sends.filter((s) => s.at <= asked).length
    t.ok(queuedWhenAsked > 20, `most of the fan-out was still queued when the code was asked for (${queuedWhenAsked})`)
    // Each instance holds at most one slot ahead of time; the code takes the one after those.
    const bound = (dispatchers.length + 1) * INTERVAL
    t.ok(codeAt - asked <= bound, `the code went ${codeAt - asked} ms after it was asked for (at most ${bound} ms)`)

    while ((await notificationProgress(db, id, clock.now()))?.done !== true) await tick()
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.stop()))
    const after = sends.filter((s) => s.to !== CODE_PHONE && s.at > codeAt).length
    t.ok(
      after >= queuedWhenAsked - dispatchers.length,
      `the queued notifications, but those whose slots were already held, went after the code (${after} of ${queuedWhenAsked})`,
    )
    t.equal(sends.length, recipients + 1, 'every recipient once, and the code')
    t.equal(new Set(sends.map((s) => s.to)).size, recipients + 1)
    t.ok(busiestSecond(sends.map((s) => s.at)) <= RATE + 1, `no second held more than ${RATE + 1} sends, the code included`)
  })
}

t.test('a reply waiting for its slot goes at once when the app closes', async (t) => {
  const { db } = await testDbOf(t, 'sqlite')
  const clock = testClock()
  const sender = recordingSender()
  const replies = createReplySender(sender, createSendGate({ db, clock, ratePerSecond: 1, maxReserved: 1 }))
  await replies.send({ to: CODE_PHONE, body: 'first' })
  // The next slot is a second away on a clock that stands still: only the release lets the second reply go.
  const second = replies.send({ to: CODE_PHONE, body: 'second' })
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(sender.sent.length, 1, 'the second waits for its slot')
  replies.release()
  await second
  t.same(
    sender.sent.map((sms) => sms.body),
    ['first', 'second'],
  )
  t.equal(replies.kind, 'test', 'the wrapped sender keeps its kind')
})
