// Statements compiled once per dialect, on SQLite and PostgreSQL: each call's values in place, constants kept, one SQL text.
import t from 'tap'
import { compiledOnce } from '../src/compiled-once.js'
import type { Db } from '../src/database.js'
import { DATABASES, testDbOf } from './helpers.js'

for (const kind of DATABASES) {
  t.test(`${kind}: each call runs the one compiled statement with its own values; constants stay as built`, async (t) => {
    const { db } = await testDbOf(t, kind)
    t.teardown(() => db.destroy())
    const built: string[] = []
    const insertTopic = compiledOnce(['key', 'title', 'createdAt'], (on: Db, v: { key: string; title: string; createdAt: string }) => {
      const query = on
        .insertInto('topics')
        .values({ key: v.key, title: v.title, created_at: v.createdAt, closed_at: null })
        .returning('key')
      built.push(query.compile().sql)
      return query
    })
    const findTopic = compiledOnce(['key'], (on: Db, v: { key: string }) =>
      on.selectFrom('topics').select(['key', 'title']).where('key', '=', v.key).where('closed_at', 'is', null),
    )
    const first = await insertTopic(db, { key: 'CS2500-01', title: 'Fundamentals', createdAt: '2026-12-03T08:00:00.000Z' })
    const second = await insertTopic(db, { key: 'CS2510-01', title: "Fundamentals 2: it's back", createdAt: '2026-12-03T08:01:00.000Z' })
    t.same([first.rows, second.rows], [[{ key: 'CS2500-01' }], [{ key: 'CS2510-01' }]], 'each call inserted its own row')
    t.equal(built.length, 1, 'built once for the dialect, not per call')
    t.same(
      await db.selectFrom('topics').select(['key', 'title', 'created_at', 'closed_at']).orderBy('key').execute(),
      [
        { key: 'CS2500-01', title: 'Fundamentals', created_at: '2026-12-03T08:00:00.000Z', closed_at: null },
        { key: 'CS2510-01', title: "Fundamentals 2: it's back", created_at: '2026-12-03T08:01:00.000Z', closed_at: null },
      ],
      'the values went where their names say, and the constant (closed_at null) as built',
    )
    t.same((await findTopic(db, { key: 'CS2510-01' })).rows, [{ key: 'CS2510-01', title: "Fundamentals 2: it's back" }])
    t.same((await findTopic(db, { key: 'NOPE' })).rows, [], 'no row for a key that is not there')
    await db.transaction().execute(async (trx) => {
      await insertTopic(trx, { key: 'CS3500-01', title: 'OOD', createdAt: '2026-12-03T08:02:00.000Z' })
      t.same((await findTopic(trx, { key: 'CS3500-01' })).rows, [{ key: 'CS3500-01', title: 'OOD' }], 'it runs in a transaction too')
    })
  })
}

t.test('a name the statement does not use as a value is refused when it is built, not silently dropped', async (t) => {
  const { db } = await testDbOf(t, 'sqlite')
  t.teardown(() => db.destroy())
  const unused = compiledOnce(['key', 'title'], (on: Db, v: { key: string; title: string }) =>
    on.selectFrom('topics').select('key').where('key', '=', v.key),
  )
  await t.rejects(unused(db, { key: 'CS2500-01', title: 'Fundamentals' }), /compiledOnce: title did not become parameters of select/)
})
