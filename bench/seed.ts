// Benchmark data: topics, phones and subscriptions written in large batches through Kysely.
import type { Db } from '../src/database.js'

const AT = '2026-11-23T12:00:00.000Z'
const BATCH = 2000

export const topicKey = (i: number) => `BENCH-${String(i).padStart(4, '0')}`
/** The i-th seeded phone (Massachusetts 781 numbers). */
export const seededPhone = (i: number) => `+1781${String(2_000_000 + i)}`

async function inBatches<T>(count: number, row: (i: number) => T, insert: (rows: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += BATCH) {
    const rows: T[] = []
    for (let i = start; i < Math.min(count, start + BATCH); i++) rows.push(row(i))
    await insert(rows)
  }
}

export async function seedTopics(db: Db, count: number): Promise<void> {
  await inBatches(
    count,
    (i) => ({ key: topicKey(i), title: `Benchmark topic ${i}`, created_at: AT, closed_at: null }),
    (rows) => db.insertInto('topics').values(rows).execute(),
  )
}

export async function seedPhones(db: Db, count: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await inBatches(
      count,
      (i) => ({ phone: seededPhone(i), first_seen_at: AT, opted_out_at: null, profile_id: null, verified_at: null }),
      (rows) => trx.insertInto('phones').values(rows).execute(),
    )
  })
}

/** Subscribes seeded phones 0…phones-1 to `perPhone` topics each, spread evenly over `topics` topics. */
export async function seedSubscriptions(db: Db, phones: number, perPhone: number, topics: number): Promise<void> {
  const spread = topics / perPhone
  await db.transaction().execute(async (trx) => {
    await inBatches(
      phones * perPhone,
      (n) => {
        const phone = Math.floor(n / perPhone)
        return { phone: seededPhone(phone), topic_key: topicKey((phone + (n % perPhone) * spread) % topics), created_at: AT }
      },
      (rows) => trx.insertInto('subscriptions').values(rows).execute(),
    )
  })
}

/** Opens a topic and subscribes the first `phones` seeded phones to it. */
export async function seedAudience(db: Db, key: string, phones: number): Promise<void> {
  await db
    .insertInto('topics')
    .values({ key, title: `Audience ${key}`, created_at: AT, closed_at: null })
    .execute()
  await db.transaction().execute(async (trx) => {
    await inBatches(
      phones,
      (i) => ({ phone: seededPhone(i), topic_key: key, created_at: AT }),
      (rows) => trx.insertInto('subscriptions').values(rows).execute(),
    )
  })
}
