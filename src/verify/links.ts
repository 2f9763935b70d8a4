// One-time sign-in links for texting S: pure, signed with SESSION_SECRET, bound to the phone the carrier proved.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export interface SignInLink {
  /** The one-time id, claimed when the link is used. */
  id: string
  phone: string
  expiresAt: Date
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`signin-link:${payload}`).digest('base64url').slice(0, 22)
}

/** A short token (it has to fit in one SMS with the URL): phone digits, expiry in seconds (base 36), a random id, a MAC. */
export function createLinkToken(
  secret: string,
  phone: string,
  now: Date,
  ttlSeconds: number,
  id = randomBytes(9).toString('base64url'),
): string {
  const expires = Math.floor(now.getTime() / 1000) + ttlSeconds
  const payload = `${phone.replace(/^\+/, '')}.${expires.toString(36)}.${id}`
  return `${payload}.${mac(secret, payload)}`
}

export type LinkCheck = { ok: true; link: SignInLink } | { ok: false; reason: 'invalid' | 'expired' }

/** Reads a token: its MAC must match (constant time) and it must not have expired. */
export function readLinkToken(secret: string, token: string, now: Date): LinkCheck {
  const match = /^(\d{6,15})\.([0-9a-z]{1,10})\.([\w-]{12})\.([\w-]{22})$/.exec(token)
  if (match === null) return { ok: false, reason: 'invalid' }
  const [, digits, expires, id, given] = match as unknown as [string, string, string, string, string]
  const expected = Buffer.from(mac(secret, `${digits}.${expires}.${id}`))
  if (!timingSafeEqual(expected, Buffer.from(given))) return { ok: false, reason: 'invalid' }
  const expiresAt = new Date(parseInt(expires, 36) * 1000)
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' }
  return { ok: true, link: { id, phone: `+${digits}`, expiresAt } }
}
