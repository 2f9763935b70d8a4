// serialize() on SQLite: calls made together share one transaction (group commit), in order, each rolled back alone on failure.
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import t from 'tap'
import { serialize } from '../src/database.js'
import { testDb } from './helpers.js'

const AT = '2026-11-23T12:00:00.000Z'
const phone = (i: number) => `+1617555${String(i).padStart(4, '0')}`

async function remember(db: Awaited<ReturnType<typeof testDb>>, i: number): Promise<number> {
  const before = await db
    .selectFrom('phones')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  await db
    .insertInto('phones')
    .values({ phone: phone(i), first_seen_at: AT, opted_out_at: null, profile_id: null, verified_at: null })
    .execute()
  return Number(before.n)
}

t.test('simultaneous calls run one after another, each seeing the writes of those before it', async (t) => {
  const db = await testDb(t)
  const seen = await Promise.all(Array.from({ length: 100 }, (_, i) => serialize(db, ['phones'], (trx) => remember(trx, i))))
  t.same(
    seen,
    Array.from({ length: 100 }, (_, i) => i),
    'each call counted the rows of every call queued before it, once',
  )
  const rows = await db.selectFrom('phones').select('phone').execute()
  t.equal(rows.length, 100)
})

t.test('a call that fails is rolled back alone; the others in its group commit', async (t) => {
  const db = await testDb(t)
  const calls = Array.from({ length: 10 }, (_, i) =>
    serialize(db, ['phones'], async (trx) => {
      await remember(trx, i)
      if (i === 4) throw new Error('call 4 fails after its write')
      return i
    }),
  )
  const outcomes = await Promise.allSettled(calls)
  t.same(
    outcomes.map((o) => o.status),
    ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
  )
  t.match((outcomes[4] as PromiseRejectedResult).reason, { message: 'call 4 fails after its write' })
  const rows = await db.selectFrom('phones').select('phone').orderBy('phone').execute()
  t.same(
    rows.map((r) => r.phone),
    [0, 1, 2, 3, 5, 6, 7, 8, 9].map(phone),
    "call 4's write is gone, every other write is there",
  )
})

t.test('calls made together share one transaction, and none hears of success before it commits', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = await testDb(t, path)
  // A second connection, as another process would have: it sees only what is committed.
  const other = new SQLite(path, { readonly: true })
  t.teardown(() => other.close())
  const committedRows = () => (other.prepare('select count(*) as n from phones').get() as { n: number }).n
  let firstResolved = false
  const first = serialize(db, ['phones'], (trx) => remember(trx, 1)).then(() => {
    firstResolved = true
  })
  const second = serialize(db, ['phones'], async (trx) => {
    await remember(trx, 2)
    return { committed: committedRows(), firstResolved }
  })
  const [, seen] = await Promise.all([first, second])
  t.same(seen, { committed: 0, firstResolved: false }, "the first call's write was not yet committed, nor reported, while the second ran")
  t.equal(committedRows(), 2, 'both committed together')
})

t.test('a call made after a group has committed gets a transaction of its own', async (t) => {
  const db = await testDb(t)
  await serialize(db, ['phones'], (trx) => remember(trx, 1))
  await t.rejects(
    serialize(db, ['phones'], async (trx) => {
      await remember(trx, 2)
      throw new Error('alone, and rolled back')
    }),
    { message: 'alone, and rolled back' },
  )
  const rows = await db.selectFrom('phones').select('phone').execute()
  t.same(
    rows.map((r) => r.phone),
    [phone(1)],
  )
})
