// Points the Twilio number's SMS webhook at smsbot and back, remembering the previous one in a file beside the database.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { NumberWebhook, NumberWebhooks } from './twilio-number.js'
import { publicHref } from '../config.js'

/** What `smsbot wire` changed, so `--restore` (or the end of `smsbot tunnel`) can put it back. */
export interface SavedWebhook {
  phoneNumberSid: string
  phoneNumber: string
  /** The webhook before smsbot changed it ('' for none). */
  previousUrl: string
  previousMethod: string
  /** The webhook smsbot set. */
  wiredUrl: string
  wiredAt: string
}

/** The record file exists but is not one smsbot wrote (edited by hand, or truncated). */
export class BadRecordError extends Error {
  constructor(readonly path: string) {
    super(`${path} is not a webhook record smsbot wrote`)
    this.name = 'BadRecordError'
  }
}

export function savedWebhookPath(databasePath: string): string {
  return join(dirname(databasePath), 'twilio-webhook.json')
}

export function readSavedWebhook(path: string): SavedWebhook | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  let saved: Partial<SavedWebhook> | null
  try {
    saved = JSON.parse(text) as Partial<SavedWebhook> | null
  } catch {
    throw new BadRecordError(path)
  }
  const fields = ['phoneNumberSid', 'phoneNumber', 'previousUrl', 'previousMethod', 'wiredUrl', 'wiredAt'] as const
  if (saved === null || typeof saved !== 'object' || !fields.every((f) => typeof saved[f] === 'string')) throw new BadRecordError(path)
  return saved as SavedWebhook
}

function writeSavedWebhook(path: string, saved: SavedWebhook | undefined): void {
  if (saved === undefined) {
    rmSync(path, { force: true })
    return
  }
  // Like the database's folder and dev-secrets.json: private to the user running smsbot (the mode only applies to a new file).
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeFileSync(path, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 })
  chmodSync(path, 0o600)
}

/** `https://abc.ngrok-free.app/` → `https://abc.ngrok-free.app/sms`: where Twilio should post incoming SMS. */
export function smsWebhookUrl(publicUrl: URL): string {
  return publicHref(publicUrl, '/sms')
}

export interface Wired {
  number: NumberWebhook
  wiredUrl: string
  previousUrl: string
  previousMethod: string
}

/**
 * Points `number` at `wiredUrl` with POST. The record is written first, so a crash after Twilio's change
 * still leaves something to restore. A number still pointing at what an earlier, unrestored wire set
 * keeps that run's previous webhook, so wiring twice never loses the original.
 */
export async function wireNumber(
  numbers: NumberWebhooks,
  recordPath: string,
  number: NumberWebhook,
  wiredUrl: string,
  now: Date,
): Promise<Wired> {
  const earlier = readSavedWebhook(recordPath)
  const keepEarlier = earlier !== undefined && earlier.phoneNumberSid === number.sid && earlier.wiredUrl === number.smsUrl
  const previousUrl = keepEarlier ? earlier.previousUrl : number.smsUrl
  const previousMethod = keepEarlier ? earlier.previousMethod : number.smsMethod
  writeSavedWebhook(recordPath, {
    phoneNumberSid: number.sid,
    phoneNumber: number.phoneNumber,
    previousUrl,
    previousMethod,
    wiredUrl,
    wiredAt: now.toISOString(),
  })
  try {
    const updated = await numbers.point(number.sid, wiredUrl, 'POST')
    return { number: updated, wiredUrl, previousUrl, previousMethod }
  } catch (err) {
    writeSavedWebhook(recordPath, earlier)
    throw err
  }
}

export type Restored =
  | { kind: 'nothing' }
  | { kind: 'restored'; number: NumberWebhook; saved: SavedWebhook }
  /** Someone changed the webhook after smsbot set it: theirs is kept. */
  | { kind: 'changed'; number: NumberWebhook; saved: SavedWebhook }

/** Puts back the webhook the record holds, unless the number no longer points where smsbot set it. */
export async function restoreNumber(numbers: NumberWebhooks, recordPath: string): Promise<Restored> {
  const saved = readSavedWebhook(recordPath)
  if (saved === undefined) return { kind: 'nothing' }
  const number = await numbers.find(saved.phoneNumber)
  if (number.smsUrl !== saved.wiredUrl) {
    writeSavedWebhook(recordPath, undefined)
    return { kind: 'changed', number, saved }
  }
  const restored = await numbers.point(number.sid, saved.previousUrl, saved.previousMethod)
  writeSavedWebhook(recordPath, undefined)
  return { kind: 'restored', number: restored, saved }
}
