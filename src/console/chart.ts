// The overview's chart of sends per minute, laid out for an inline SVG on the server (pure: no I/O, no JavaScript).

/** The drawing's own units: one per minute across, a fixed height (the SVG stretches to the page's width). */
export const CHART_HEIGHT = 100

export interface Bar {
  x: number
  y: number
  height: number
}

export interface MinuteChart {
  /** One unit per minute of the window. */
  width: number
  height: number
  bars: Bar[]
  /** The tallest bar's count (the top of the drawing); 0 when nothing was sent. */
  max: number
  total: number
  /** The busiest minute (the first of equals). */
  peak: { minute: string; count: number } | undefined
}

/**
 * Bars for the minutes of `[since, since + minutes)` that have sends, from `YYYY-MM-DDTHH:MM` counts (UTC, as
 * notify/stats.ts groups them). A minute outside the window is left out.
 */
export function minuteChart(points: ReadonlyArray<{ minute: string; count: number }>, since: Date, minutes: number): MinuteChart {
  const start = Math.floor(since.getTime() / 60_000)
  const inside = points
    .map((p) => ({ ...p, x: Math.floor(Date.parse(`${p.minute}:00Z`) / 60_000) - start }))
    .filter((p) => p.x >= 0 && p.x < minutes && p.count > 0)
  const max = inside.reduce((top, p) => Math.max(top, p.count), 0)
  const total = inside.reduce((sum, p) => sum + p.count, 0)
  const peak = inside.reduce<{ minute: string; count: number } | undefined>(
    (best, p) => (best === undefined || p.count > best.count ? { minute: p.minute, count: p.count } : best),
    undefined,
  )
  const bars = inside.map((p) => {
    const height = Math.max(1, Math.round((p.count / max) * CHART_HEIGHT * 10) / 10)
    return { x: p.x, y: Math.round((CHART_HEIGHT - height) * 10) / 10, height }
  })
  return { width: minutes, height: CHART_HEIGHT, bars, max, total, peak }
}
