// What the Compose page works out (pure): a text's counts as recipients get it, times typed in the deployment's zone, and
// who of an audience is in quiet hours when it goes out.
import { SegmentedMessage } from 'sms-segments-calculator'
import { MAX_BODY } from '../copy/segments.js'
import { framedSegments, frameNotification } from '../notify/framing.js'
import type { Recipient } from '../notify/send-window.js'
import { quietState, type QuietState } from '../notify/quiet.js'
import type { PhoneSettings } from '../phones/queries.js'
import { readStoredQuietHours } from '../phones/settings.js'
import { readIsoTime } from '../operators/problems.js'
import type { AudienceMember } from '../notify/console-queries.js'
import type { QuietForecast } from '../copy/index.js'
import { wallClock } from '../copy/zone-time.js'

/** A text's counts: what the API stores as the notification's segments, and what the page shows as one types. */
export interface MessageCounts {
  /** The text's length as the MAX_BODY limit counts it (UTF-16 code units: an emoji counts as two, as in UCS-2). */
  characters: number
  maxCharacters: number
  /** How the text goes over the air: GSM-7 (160 a segment), or UCS-2 (70) when a character is outside GSM-7. */
  encoding: 'GSM-7' | 'UCS-2'
  /** What each recipient gets, the footer included: framing.ts's framedSegments, as enqueueNotification stores it. */
  segments: number
}

/**
 * The counts of `body` sent to topic `topicKey`. Segments come from framedSegments (notify/framing.ts), so the page
 * and the publish action cannot disagree; the encoding from the library that counts any text outside GSM-7's basic
 * set (copy/segments.ts), on the text as the default language frames it (the footers are GSM-7 in every language).
 */
export function messageCounts(body: string, topicKey: string): MessageCounts {
  const framed = frameNotification(body, topicKey)
  return {
    characters: body.length,
    maxCharacters: MAX_BODY,
    encoding: new SegmentedMessage(framed).encodingName,
    segments: framedSegments(body, topicKey),
  }
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/

/** Milliseconds the zone's clock is ahead of UTC at `instant`. */
function offsetAt(zone: string, instant: number): number {
  const wall = wallClock(instant, zone)
  const local = Date.UTC(+wall.year, +wall.month - 1, +wall.day, +wall.hour, +wall.minute, +wall.second)
  return local - Math.floor(instant / 1000) * 1000
}

/**
 * A time typed on the form: a date and time of day in `zone` (what a datetime-local field sends, `2026-12-01T09:00`),
 * or an ISO 8601 time with its offset; '' is no time at all. Returns the ISO time (with Z) the publish action takes,
 * or undefined when it is neither. A local time that summer time skips is read with the offset before the change; one
 * that happens twice, as the first.
 */
export function readTypedTime(value: string, zone: string): { ok: true; iso: string | undefined } | { ok: false } {
  const text = value.trim()
  if (text === '') return { ok: true, iso: undefined }
  const iso = readIsoTime(text)
  if (iso !== undefined) return { ok: true, iso: iso.toISOString() }
  const match = LOCAL_TIME.exec(text)
  if (match === null) return { ok: false }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((n) => Number(n ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const wall = Date.UTC(year, month - 1, day, hour, minute, second)
  const date = new Date(wall)
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59) return { ok: false }
  // The wall time less the zone's offset near it; where the offset at the instant found differs, the time was skipped.
  const offset = offsetAt(zone, wall - offsetAt(zone, wall))
  const after = offsetAt(zone, wall - offset)
  const instant = after === offset ? wall - offset : wall - after
  return { ok: true, iso: new Date(instant).toISOString() }
}

export type { QuietForecast }

/**
 * The forecast for `members` at `at`, by the dispatcher's own rules: `recipientOf` is its send window's (the phone's
 * quiet hours or the deployment's, in the zone chosen or the number's), and quietState decides as mayGo does.
 * Recipients with the same window and zones share one answer, so ten thousand take a few distinct computations.
 */
export function forecastQuietHours(
  members: readonly AudienceMember[],
  at: Date,
  expiresAt: Date | undefined,
  recipientOf: (phone: string, settings: PhoneSettings) => Recipient,
  defaultTimeZone: string,
): QuietForecast {
  const answers = new Map<string, QuietState>()
  let held = 0
  let expiring = 0
  let first: number | undefined
  let last: number | undefined
  for (const member of members) {
    const settings = {
      quietHours: readStoredQuietHours(member.quietHours),
      timeZone: member.timeZone,
      optedOut: false,
      language: undefined,
    }
    const { window, zones } = recipientOf(member.phone, settings)
    const key = window === undefined ? '' : `${window.start}-${window.end} ${zones.join(' ')}`
    let state = answers.get(key)
    if (state === undefined) {
      state = quietState(zones, window, at, defaultTimeZone)
      answers.set(key, state)
    }
    if (!state.quiet) continue
    const opens = state.opensAt.getTime()
    held += 1
    if (expiresAt !== undefined && opens >= expiresAt.getTime()) expiring += 1
    first = first === undefined ? opens : Math.min(first, opens)
    last = last === undefined ? opens : Math.max(last, opens)
  }
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())
  return { recipients: members.length, at: at.toISOString(), held, firstOpening: iso(first), lastOpening: iso(last), expiring }
}
