// An instant's wall-clock fields in an IANA zone, read once by one cached formatter per zone (the console's times).

/** Year, month (1–12), day, hour (0–23), minute and second as the zone's clock reads `instant`, as two-digit strings. */
export interface WallClock {
  year: string
  month: string
  day: string
  hour: string
  minute: string
  second: string
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    // Zones are IANA names from the configuration and the phones' settings: a few hundred at most.
    formatters.set(zone, format)
  }
  return format
}

export function wallClock(instant: number | Date, zone: string): WallClock {
  const parts = formatter(zone).formatToParts(instant)
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ''
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') }
}
