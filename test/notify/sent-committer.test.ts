// The sent-batch committer alone: group commit of accepted sids, a failing database tried again until written, stopping.
import t from 'tap'
import { createOutage } from '../../src/notify/outage.js'
import { claimDue, enqueueNotification, recordSentMany } from '../../src/notify/queries.js'
import { createSentCommitter, type SentClaim } from '../../src/notify/sent-committer.js'
import { rememberPhone } from '../../src/phones/queries.js'
import { saveTopic, subscribe } from '../../src/topics/queries.js'
import { newMessageSid } from '../../src/twilio/sids.js'
import { memoryLogger, testClock, testDb } from '../helpers.js'

const sids = Array.from({ length: 5 }, newMessageSid)
const sid = (i: number) => sids[i] as string
const claim = (id: number) => ({ id, claim_token: `token-${id}` })
const turn = () => new Promise((resolve) => setImmediate(resolve))

/** A committer whose writes are noted and fail as long as `failing` says; random 0.5: retries after 750 ms, 1.5 s, 3 s … */
function setup(failing: () => boolean = () => false) {
  const clock = testClock()
  const { logger, lines } = memoryLogger()
  const outage = createOutage({ clock, logger, random: () => 0.5 })
  const writes: Array<{ sent: SentClaim[]; at: string }> = []
  const committer = createSentCommitter({
    clock,
    outage,
    write: async (sent, now) => {
      writes.push({ sent, at: now.toISOString() })
      if (failing()) throw new Error('database is locked')
    },
  })
  /** Commits and notes when each commit settles. */
  const settled: string[] = []
  const commit = (id: number, signal = new AbortController().signal) =>
    committer.commit(claim(id), sid(id), signal).then(
      () => void settled.push(`${id} written`),
      (err: Error) => void settled.push(`${id} ${err.message}`),
    )
  return { clock, lines, outage, writes, committer, settled, commit }
}

t.test("sids accepted in one event-loop turn are written together, in one write; a later turn's in the next", async (t) => {
  const { clock, writes, settled, commit } = setup()
  const first = [commit(1), commit(2), commit(3)]
  t.same(writes, [], 'nothing is written in the turn the sids arrive: the others of that turn may still come')
  await Promise.all(first)
  t.same(writes, [{ sent: [1, 2, 3].map((id) => ({ ...claim(id), sid: sid(id) })), at: clock.now().toISOString() }], 'one write of three')
  t.same(settled, ['1 written', '2 written', '3 written'])
  await commit(4)
  for (let i = 0; i < 3; i++) await turn()
  t.same(
    writes.map((w) => w.sent.map((s) => s.id)),
    [[1, 2, 3], [4]],
    'one write per turn that had sids: no other, none empty',
  )
})

t.test('a commit settles only once its write has', async (t) => {
  const clock = testClock()
  let finish = () => {}
  const committer = createSentCommitter({
    clock,
    outage: createOutage({ clock, logger: memoryLogger().logger, random: () => 0.5 }),
    write: () => new Promise<void>((resolve) => (finish = resolve)),
  })
  let done = false
  const committed = committer.commit(claim(1), sid(1), new AbortController().signal).then(() => (done = true))
  for (let i = 0; i < 5; i++) await turn()
  t.equal(done, false, 'the row stays in flight while its sid is being written')
  finish()
  await committed
  t.equal(done, true)
})

t.test('a failed write is tried again with backoff until it works; meanwhile claims are held back and the outage counted', async (t) => {
  let failures = 2
  const { clock, lines, outage, writes, committer, settled, commit } = setup(() => failures-- > 0)
  const start = clock.now().toISOString()
  t.equal(committer.unwritten(), undefined, 'nothing to wait for before the first failure')
  const committed = commit(1)
  await clock.tick(0)
  t.equal(writes.length, 1)
  const unwritten = committer.unwritten()
  t.ok(unwritten instanceof Promise, 'a failed write holds claims back')
  t.same(outage.current(), { failures: 1, since: new Date(start) })
  await clock.tick(749)
  t.equal(writes.length, 1, 'no second try before 750 ms (1 s, jittered to half and all of it)')
  await clock.tick(1)
  t.equal(writes.length, 2, 'the second try, which fails too')
  t.match(outage.current(), { failures: 2 })
  await clock.tick(1499)
  t.equal(writes.length, 2, 'the backoff doubled')
  await clock.tick(1)
  await committed
  t.equal(writes.length, 3)
  t.same(settled, ['1 written'])
  t.same(
    writes.map((w) => w.sent),
    [0, 1, 2].map(() => [{ ...claim(1), sid: sid(1) }]),
    'the same sid each time',
  )
  t.equal(writes[2]?.at, new Date(Date.parse(start) + 2250).toISOString(), 'written with the time of the try that worked')
  await unwritten
  t.equal(committer.unwritten(), undefined, 'written: claims may go on')
  t.equal(outage.current(), undefined, 'the outage is over')
  t.equal(lines.filter((l) => l.includes('could not record 1 accepted send(s); the database did not answer')).length, 2)
  t.equal(lines.filter((l) => l.includes('the database answers again; sending resumes')).length, 1)
})

t.test('stopping while a write fails: one last try at once, then the commit fails (the row is left to its lease)', async (t) => {
  const { clock, writes, committer, settled, commit } = setup(() => true)
  const stopping = new AbortController()
  const committed = commit(1, stopping.signal)
  await clock.tick(0)
  t.equal(writes.length, 1)
  stopping.abort()
  await committed
  t.equal(writes.length, 2, 'tried once more when stopping, without waiting for the backoff')
  t.equal(clock.sleepers(), 0)
  t.same(settled, ['1 database is locked'], "the commit failed with the write's error")
  t.equal(committer.unwritten(), undefined, 'nothing left being tried')
})

t.test("with the database's own write: the claimed rows end sent, with their sids", async (t) => {
  const db = await testDb(t)
  const clock = testClock()
  await saveTopic(db, 'T', 'Topic', clock.now())
  for (const phone of ['+16175550101', '+16175550102']) {
    await rememberPhone(db, phone, clock.now())
    await subscribe(db, phone, 'T', 20, clock.now())
  }
  await enqueueNotification(db, 'T', 'hello', clock.now())
  const rows = await claimDue(db, clock.now(), 30_000, 10)
  const outage = createOutage({ clock, logger: memoryLogger().logger, random: () => 0.5 })
  const committer = createSentCommitter({ clock, outage, write: (sent, now) => recordSentMany(db, sent, now) })
  const signal = new AbortController().signal
  await Promise.all(rows.map((row, i) => committer.commit(row, sid(i + 1), signal)))
  t.same(await db.selectFrom('outbox').select(['status', 'sid', 'attempts', 'lease_until']).orderBy('id').execute(), [
    { status: 'sent', sid: sid(1), attempts: 1, lease_until: null },
    { status: 'sent', sid: sid(2), attempts: 1, lease_until: null },
  ])
})
