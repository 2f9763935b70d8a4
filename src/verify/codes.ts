// Sending and checking one-time codes against the database, and linking a verified phone to a profile.
import { nanoid } from 'nanoid'
import type { Clock } from '../clock.js'
import type { OtpConfig } from '../config.js'
import type { Db } from '../database.js'
import { rememberPhone } from '../phones/queries.js'
import type { SmsSender } from '../sender/sender.js'
import { codeMessage, decideCheck, decideSend, generateCode, hashCode, type CheckDecision, type OtpHistory, type SendDecision } from './rules.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

export interface VerifyContext {
  db: Db
  sender: SmsSender
  clock: Clock
  otp: OtpConfig
  secret: string
  publicUrl: URL | undefined
}

async function loadHistory(db: Db, phone: string, ip: string, now: Date): Promise<OtpHistory> {
  const hourAgo = new Date(now.getTime() - HOUR).toISOString()
  const dayAgo = new Date(now.getTime() - DAY).toISOString()
  const [phoneSends, ipSends, failures] = await Promise.all([
    db.selectFrom('otp_events').select('at').where('phone', '=', phone).where('kind', '=', 'send').where('at', '>', hourAgo).orderBy('at', 'desc').execute(),
    db.selectFrom('otp_events').select((eb) => eb.fn.countAll<number>().as('n')).where('ip', '=', ip).where('kind', '=', 'send').where('at', '>', hourAgo).executeTakeFirstOrThrow(),
    loadFailures(db, phone, dayAgo),
  ])
  return {
    now,
    lastSentAt: phoneSends[0] === undefined ? undefined : new Date(phoneSends[0].at),
    sendsLastHourByPhone: phoneSends.length,
    sendsLastHourByIp: Number(ipSends.n),
    failuresLastDay: failures,
  }
}

async function loadFailures(db: Db, phone: string, since: string): Promise<Date[]> {
  const rows = await db.selectFrom('otp_events').select('at').where('phone', '=', phone).where('kind', '=', 'failure').where('at', '>', since).orderBy('at').execute()
  return rows.map((r) => new Date(r.at))
}

export type SendResult = SendDecision | { ok: false; reason: 'sendFailed' }

/** Sends a new code to a phone (E.164) unless a limit says no; the new code replaces any pending one. */
export async function sendCode(ctx: VerifyContext, phone: string, ip: string): Promise<SendResult> {
  const now = ctx.clock.now()
  const decision = decideSend(ctx.otp, await loadHistory(ctx.db, phone, ip, now))
  if (!decision.ok) return decision

  const code = generateCode(ctx.otp.length)
  const row = {
    phone,
    code_hash: hashCode(ctx.secret, phone, code),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.otp.ttlSeconds * 1000).toISOString(),
    attempts: 0,
    consumed_at: null,
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('otp_codes')
      .values(row)
      .onConflict((oc) => oc.column('phone').doUpdateSet({ code_hash: row.code_hash, created_at: row.created_at, expires_at: row.expires_at, attempts: 0, consumed_at: null }))
      .execute()
    // A send counts against the limits even if Twilio then refuses it: that is what bounds SMS pumping.
    await trx.insertInto('otp_events').values({ kind: 'send', phone, ip, at: row.created_at }).execute()
  })
  try {
    await ctx.sender.send({ to: phone, body: codeMessage(code, ctx.publicUrl), sensitive: true })
  } catch {
    // Leave no usable code behind a send that failed.
    await ctx.db.deleteFrom('otp_codes').where('phone', '=', phone).where('code_hash', '=', row.code_hash).execute()
    return { ok: false, reason: 'sendFailed' }
  }
  return { ok: true }
}

/** Checks a code for a phone; on success the code is consumed. Every wrong guess is counted. */
export async function checkCode(ctx: VerifyContext, phone: string, code: string, ip: string): Promise<CheckDecision> {
  const now = ctx.clock.now()
  return ctx.db.transaction().execute(async (trx) => {
    const stored = await trx.selectFrom('otp_codes').selectAll().where('phone', '=', phone).executeTakeFirst()
    const failures = await loadFailures(trx, phone, new Date(now.getTime() - DAY).toISOString())
    const decision = decideCheck(ctx.otp, now, stored, hashCode(ctx.secret, phone, code), failures)
    if (decision.ok) {
      await trx.updateTable('otp_codes').set({ consumed_at: now.toISOString() }).where('phone', '=', phone).execute()
    } else if (decision.reason === 'wrong' || decision.reason === 'tooManyAttempts') {
      await trx.insertInto('otp_events').values({ kind: 'failure', phone, ip, at: now.toISOString() }).execute()
      if (decision.reason === 'wrong') {
        await trx.updateTable('otp_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('phone', '=', phone).execute()
      }
    }
    return decision
  })
}

/**
 * Links a verified phone to a profile: the signed-in one if it still exists, else a new one. A profile has one
 * verified phone (a new one replaces the old), and a phone verified by another profile moves to this one.
 */
export async function linkVerifiedPhone(db: Db, phone: string, profileId: string | undefined, displayName: string | undefined, now: Date): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const existing = profileId === undefined ? undefined : await trx.selectFrom('profiles').select('id').where('id', '=', profileId).executeTakeFirst()
    const id = existing?.id ?? nanoid()
    if (existing === undefined) {
      await trx.insertInto('profiles').values({ id, display_name: displayName ?? null, created_at: now.toISOString() }).execute()
    } else if (displayName !== undefined) {
      await trx.updateTable('profiles').set({ display_name: displayName }).where('id', '=', id).execute()
    }
    await rememberPhone(trx, phone, now)
    await trx.updateTable('phones').set({ profile_id: null, verified_at: null }).where('profile_id', '=', id).where('phone', '!=', phone).execute()
    await trx.updateTable('phones').set({ profile_id: id, verified_at: now.toISOString() }).where('phone', '=', phone).execute()
    return id
  })
}
