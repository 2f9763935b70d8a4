// One claimed event's delivery on its own: given back when stopping, an outcome dropped when the claim was lost, the
// claim limited to this instance's targets; and the HTTP helpers both targets share.
import t from 'tap'
import { discard, networkError, oneLineOf, readSome } from '../../src/events/attempt.js'
import { createEventDelivery, type Send } from '../../src/events/deliver.js'
import { claimDueEvents, emitEvent, setEventTargets } from '../../src/events/queries.js'
import { createWebhookPoster } from '../../src/events/webhook.js'
import { memoryLogger, testClock, testDb, type TapT } from '../helpers.js'
import { EVENTS_SECRET } from './receiver.js'
import { eventRow } from './setup.js'

const LEASE = 60_000
const EVENT = { type: 'phone.opted_in', data: { phone: '+16175550123', source: 'web', detail: null } } as const

async function setup(t: TapT) {
  const db = await testDb(t)
  t.teardown(() => db.destroy())
  setEventTargets(db, { webhook: true, auth0: true })
  const clock = testClock()
  const { logger, lines } = memoryLogger()
  const sent: string[] = []
  const send: Send = async (row) => {
    sent.push(row.id)
    return { outcome: 'delivered' }
  }
  return { db, clock, logger, lines, sent, send }
}

t.test('a row claimed as the loop stops is given back untouched, due at once', async (t) => {
  const { db, clock, logger, sent, send } = await setup(t)
  await emitEvent(db, EVENT, clock.now())
  const [row] = await claimDueEvents(db, clock.now(), LEASE, 10, ['webhook'])
  const deliver = createEventDelivery({ db, clock, logger, random: () => 1, targets: { webhook: send } })
  const stopping = new AbortController()
  stopping.abort()
  clock.advance(5_000)
  await deliver(row as NonNullable<typeof row>, stopping.signal)
  t.same(sent, [], 'not sent')
  t.match(await eventRow(db, row?.id as string), {
    status: 'queued',
    attempts: 0,
    lease_until: null,
    next_attempt_at: '2026-11-23T12:00:05.000Z',
  })
})

t.test('an outcome is dropped when another claim took the row after the lease ran out', async (t) => {
  const { db, clock, logger, lines, send } = await setup(t)
  await emitEvent(db, EVENT, clock.now())
  const [stale] = await claimDueEvents(db, clock.now(), LEASE, 10, ['webhook'])
  clock.advance(LEASE + 1)
  const [current] = await claimDueEvents(db, clock.now(), LEASE, 10, ['webhook'])
  t.equal(current?.id, stale?.id, 'the expired claim was taken over')
  const deliver = createEventDelivery({ db, clock, logger, random: () => 1, targets: { webhook: send } })
  await deliver(stale as NonNullable<typeof stale>, new AbortController().signal)
  t.match(await eventRow(db, stale?.id as string), { status: 'sending', claim_token: current?.claim_token, attempts: 0 })
  t.ok(lines.some((line) => line.includes('event claim was lost')))
})

t.test('an instance claims only the targets it delivers to; a row of another target is put off', async (t) => {
  const { db, clock, logger, lines } = await setup(t)
  await emitEvent(db, { type: 'phone.unlinked', data: { phone: '+16175550123', profileId: 'p1', subject: 'auth0|ada' } }, clock.now())
  t.same(await claimDueEvents(db, clock.now(), LEASE, 10, []), [], 'nothing to deliver to: nothing claimed')
  t.same(
    (await claimDueEvents(db, clock.now(), LEASE, 10, ['webhook'])).map((r) => r.target),
    ['webhook'],
  )
  const [auth0] = await claimDueEvents(db, clock.now(), LEASE, 10, ['auth0'])
  t.equal(auth0?.type, 'auth0.phone')
  const deliver = createEventDelivery({ db, clock, logger, random: () => 1, targets: {} })
  await deliver(auth0 as NonNullable<typeof auth0>, new AbortController().signal)
  t.match(await eventRow(db, auth0?.id as string), {
    status: 'queued',
    attempts: 1,
    last_error: 'this instance does not deliver to auth0',
    next_attempt_at: '2026-11-23T12:00:10.000Z',
  })
  t.ok(lines.some((line) => line.includes('will retry') && !line.includes('6175550123')))
})

t.test('the HTTP helpers: a bounded read, a released body, a timeout in words, one short line', async (t) => {
  const big = new Response('x'.repeat(1_000_000))
  t.equal((await readSome(big)).length, 1024, 'at most 1 KB of a large body')
  t.equal(await readSome(new Response(null)), '')
  let sentPart = false
  const broken = new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sentPart) return controller.error(new Error('reset'))
        sentPart = true
        controller.enqueue(new TextEncoder().encode('partial'))
      },
    }),
  )
  t.equal(await readSome(broken), 'partial', 'a body cut off: what arrived')
  await discard(new Response('unread'))
  await discard(new Response(null))
  t.equal(networkError(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), 'no answer within 10 s')
  t.equal(
    networkError(Object.assign(new Error('fetch failed'), { cause: new Error('other side closed') })),
    'fetch failed: other side closed',
  )
  t.equal(networkError(new Error('fetch failed')), 'fetch failed')
  t.equal(oneLineOf('  a\n\n b  '), 'a b')
  t.equal(oneLineOf('y'.repeat(300)).length, 201)

  const post = createWebhookPoster(
    { url: new URL('http://127.0.0.1:9/'), secret: EVENTS_SECRET },
    {
      fetch: async () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError')
      },
    },
  )
  const row = { id: 'msg_1', type: 'phone.opted_in', created_at: '2026-11-23T12:00:00.000Z', data: '{}' }
  t.same(await post(row as never), { outcome: 'retry', error: 'no answer within 10 s' }, 'a receiver that does not answer in 10 s')
})

t.test("a receiver's answer that echoes the event keeps its phone and e-mail out of the log, not out of last_error", async (t) => {
  const { db, clock, logger, lines } = await setup(t)
  await emitEvent(db, EVENT, clock.now())
  const [row] = await claimDueEvents(db, clock.now(), LEASE, 10, ['webhook'])
  const echo = 'answered 400: bad payload {"email":"ada@example.edu","phone":"+16175550123"}'
  const deliver = createEventDelivery({
    db,
    clock,
    logger,
    random: () => 1,
    targets: { webhook: async () => ({ outcome: 'retry', error: echo }) },
  })
  await deliver(row as NonNullable<typeof row>, new AbortController().signal)
  const logged = lines.join('\n')
  t.match(logged, 'event not delivered; will retry')
  t.notMatch(logged, 'ada@example.edu', 'no e-mail in the log')
  t.notMatch(logged, '6175550123', 'no full phone in the log')
  t.match(logged, '[e-mail]')
  t.equal((await eventRow(db, row?.id as string)).last_error, echo, 'the operator sees the whole answer in GET /api/events')
})
