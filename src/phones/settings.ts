// A phone's own settings (quiet hours, time zone) as texters type them and as the phones table keeps them: pure, no I/O.

/** A daily quiet window in local time, in minutes after midnight: quiet from `start` until `end`, across midnight when end < start. */
export interface QuietWindow {
  start: number
  end: number
}

/** A phone's quiet hours: the deployment's QUIET_HOURS, none at all, or a window of its own. */
export type QuietSetting = { kind: 'default' } | { kind: 'off' } | { kind: 'window'; window: QuietWindow }

/** One end of a window: an hour of the 24 h clock, optionally with minutes (`7`, `07`, `7:30`, `22:00`). */
function readTime(text: string): number | undefined {
  const match = /^(\d{1,2})(?::?(\d{2}))?$/.exec(text)
  if (match === null) return undefined
  const hours = Number(match[1])
  const minutes = match[2] === undefined ? 0 : Number(match[2])
  if (hours > 23 || minutes > 59) return undefined
  return hours * 60 + minutes
}

/** `22-7`, `22:30-07:00`, `21 - 8`: the window, or undefined when it is not one (an empty window is not one). */
export function parseQuietWindow(input: string): QuietWindow | undefined {
  const parts = input.trim().split(/\s*(?:-|–|to)\s*/i)
  if (parts.length !== 2) return undefined
  const start = readTime(parts[0] as string)
  const end = readTime(parts[1] as string)
  if (start === undefined || end === undefined || start === end) return undefined
  return { start, end }
}

/** `OFF`, `ON` (the deployment's default window) or a window such as `22-7`; undefined for anything else. */
export function parseQuietHours(input: string): QuietSetting | undefined {
  const text = input.trim().replace(/[.!]+$/, '')
  if (/^off$/i.test(text)) return { kind: 'off' }
  if (/^(on|default)$/i.test(text)) return { kind: 'default' }
  const window = parseQuietWindow(text)
  return window === undefined ? undefined : { kind: 'window', window }
}

const clock = (minutes: number) =>
  minutes % 60 === 0 ? String(minutes / 60) : `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`

/** The short form people type and the table keeps: `22-7`, `22:30-7`. */
export function formatQuietWindow(window: QuietWindow): string {
  return `${clock(window.start)}-${clock(window.end)}`
}

/** The window as a person reads it: `22:00–07:00`. */
export function describeQuietWindow(window: QuietWindow): string {
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
  return `${hhmm(window.start)}–${hhmm(window.end)}`
}

/** The phones.quiet_hours column: null for the default, `off`, or the window's short form. */
export function storedQuietHours(setting: QuietSetting): string | null {
  if (setting.kind === 'default') return null
  if (setting.kind === 'off') return 'off'
  return formatQuietWindow(setting.window)
}

/** Reads the phones.quiet_hours column back; anything unreadable counts as the default. */
export function readStoredQuietHours(stored: string | null): QuietSetting {
  if (stored === null) return { kind: 'default' }
  return parseQuietHours(stored) ?? { kind: 'default' }
}

/** The window that applies to a phone: its own, none when it turned them off, else the deployment's (undefined when off). */
export function effectiveQuietWindow(setting: QuietSetting, deployment: QuietWindow | undefined): QuietWindow | undefined {
  if (setting.kind === 'off') return undefined
  if (setting.kind === 'window') return setting.window
  return deployment
}

/**
 * Names texters use for US zones. Abbreviations mean the zone with its summer time (someone who types EST in July
 * means New York, not IANA's fixed `EST`).
 */
export const ZONE_NAMES: Readonly<Record<string, string>> = {
  EASTERN: 'America/New_York',
  CENTRAL: 'America/Chicago',
  MOUNTAIN: 'America/Denver',
  PACIFIC: 'America/Los_Angeles',
  ALASKA: 'America/Anchorage',
  HAWAII: 'Pacific/Honolulu',
  ARIZONA: 'America/Phoenix',
  ET: 'America/New_York',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CT: 'America/Chicago',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  MT: 'America/Denver',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  PT: 'America/Los_Angeles',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  AKST: 'America/Anchorage',
  AKDT: 'America/Anchorage',
  HST: 'Pacific/Honolulu',
}

/** True for a time zone name this runtime knows (IANA names and their links, as Intl reads them). */
export function isTimeZone(name: string): boolean {
  return canonicalZone(name) !== undefined
}

function canonicalZone(name: string): string | undefined {
  // Names only: Intl would also take offsets such as +01:00 on newer Node versions, which are no place's zone.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return undefined
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

/**
 * `EASTERN`, `PACIFIC` … (and ET, EST, PST …) or an IANA name in any case (`america/chicago`): the zone's IANA name,
 * or undefined when it is neither.
 */
export function parseTimeZone(input: string): string | undefined {
  const text = input.trim().replace(/[.!]+$/, '')
  const named = ZONE_NAMES[text.toUpperCase().replace(/\s+TIME$/, '')]
  if (named !== undefined) return named
  return canonicalZone(text)
}
