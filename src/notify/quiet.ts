// Quiet hours in the recipient's local time: is it quiet now in any of the number's zones, and when does it open in all (pure).
import type { QuietWindow } from '../phones/settings.js'

const MINUTE = 60_000
/** How far ahead an opening is looked for; zones whose open hours never meet within it fall back (see quietState). */
const HORIZON = 48 * 60 * MINUTE

export type QuietState = { quiet: false } | { quiet: true; opensAt: Date }

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })
    formatters.set(zone, format)
  }
  return format
}

/** Minutes after local midnight at `instant` in `zone` (seconds dropped). */
export function localMinutes(zone: string, instant: number): number {
  let hour = 0
  let minute = 0
  for (const part of formatter(zone).formatToParts(instant)) {
    if (part.type === 'hour') hour = Number(part.value)
    else if (part.type === 'minute') minute = Number(part.value)
  }
  return hour * 60 + minute
}

/** Whether a local time of day (minutes after midnight) lies in the window, whose start is quiet and whose end is not. */
export function inWindow(window: QuietWindow, minutes: number): boolean {
  return window.start < window.end ? minutes >= window.start && minutes < window.end : minutes >= window.start || minutes < window.end
}

export function isQuietIn(zone: string, window: QuietWindow, instant: number): boolean {
  return inWindow(window, localMinutes(zone, instant))
}

/**
 * The first instant at or after `from` that is outside the window in `zone`. The window's end is found by counting
 * local minutes, then moved by however much the zone's offset changed on the way (a summer-time change in the night);
 * a local end that the change skipped opens at the first minute after the gap.
 */
export function nextOpening(zone: string, window: QuietWindow, from: number): number {
  if (!isQuietIn(zone, window, from)) return from
  const start = Math.floor(from / MINUTE) * MINUTE
  let candidate = start + ((window.end - localMinutes(zone, start) + 1440) % 1440) * MINUTE
  for (let i = 0; i < 3; i++) {
    // Signed distance from the local time reached to the window's end, in (-720, 720].
    const off = ((window.end - localMinutes(zone, candidate) + 2160) % 1440) - 720
    if (off === 0) break
    candidate += off * MINUTE
  }
  if (candidate < from) candidate = start + MINUTE
  // Only a skipped local time leaves it quiet here: step past the gap (an hour at most).
  for (let i = 0; i < 180 && isQuietIn(zone, window, candidate); i++) candidate += MINUTE
  return candidate
}

/** The zones a phone's quiet hours are judged in: the one its texter chose, else the number's, else the fallback. */
export function recipientZones(chosen: string | null, ofNumber: readonly string[] | undefined, fallbackZone: string): readonly string[] {
  if (chosen !== null) return [chosen]
  return ofNumber !== undefined && ofNumber.length > 0 ? ofNumber : [fallbackZone]
}

/**
 * Whether `now` is quiet for a number in `zones` with this window (undefined: no quiet hours), and if so, the first
 * instant that is outside the window in every zone. The earliest such instant is always one zone's opening, so each
 * step moves to the opening of a zone still quiet. Zones so far apart that their open hours never meet within two
 * days fall back to `fallbackZone` alone, so that nothing waits forever.
 */
export function quietState(zones: readonly string[], window: QuietWindow | undefined, now: Date, fallbackZone: string): QuietState {
  if (window === undefined) return { quiet: false }
  const from = now.getTime()
  if (!zones.some((zone) => isQuietIn(zone, window, from))) return { quiet: false }
  let at = from
  while (at - from <= HORIZON) {
    const quiet = zones.find((zone) => isQuietIn(zone, window, at))
    if (quiet === undefined) return { quiet: true, opensAt: new Date(at) }
    at = nextOpening(quiet, window, at)
  }
  if (isQuietIn(fallbackZone, window, from)) return { quiet: true, opensAt: new Date(nextOpening(fallbackZone, window, from)) }
  return { quiet: false }
}
