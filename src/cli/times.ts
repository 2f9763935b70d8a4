// The times `smsbot notify --at … --expires …` takes: an ISO 8601 time, or +30m, +2h, +1d from a base (pure).
import { readIsoTime } from '../operators/problems.js'

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `+30m`, `+2h`, `+90s`, `+1d` after `base`, or an ISO 8601 time with its offset; undefined for anything else. */
export function readWhen(input: string, base: Date): Date | undefined {
  const relative = /^\+(\d{1,6})\s*([smhd])$/i.exec(input.trim())
  if (relative !== null) return new Date(base.getTime() + Number(relative[1]) * (UNIT_MS[(relative[2] as string).toLowerCase()] as number))
  return readIsoTime(input)
}
