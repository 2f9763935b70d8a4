// The progress bar of a notification, drawn from its counts (pure).
import type { Progress } from '../notify/queries.js'

const WIDTH = 24

/**
 * One line: a bar (█ delivered, ▓ sent, x failed, - expired, ░ still to go), the share handled and each count;
 * scheduled, held and expired rows are named when there are any.
 */
export function progressLine(p: Progress): string {
  const total = Math.max(p.recipients, 1)
  const cells = (n: number) => Math.round((n / total) * WIDTH)
  const delivered = cells(p.delivered)
  const sent = Math.min(cells(p.delivered + p.sent) - delivered, WIDTH - delivered)
  const failed = Math.min(cells(p.delivered + p.sent + p.failed) - delivered - sent, WIDTH - delivered - sent)
  const expired = Math.min(
    cells(p.delivered + p.sent + p.failed + p.expired) - delivered - sent - failed,
    WIDTH - delivered - sent - failed,
  )
  const bar =
    '█'.repeat(delivered) +
    '▓'.repeat(sent) +
    'x'.repeat(failed) +
    '-'.repeat(expired) +
    '░'.repeat(WIDTH - delivered - sent - failed - expired)
  const handled = p.recipients - p.queued - p.scheduled - p.held
  const waiting = [
    ['scheduled', p.scheduled],
    ['held', p.held],
    ['expired', p.expired],
  ]
    .filter(([, n]) => n !== 0)
    .map(([name, n]) => ` · ${name} ${n}`)
    .join('')
  const percent = p.recipients === 0 ? 100 : Math.floor((handled / p.recipients) * 100)
  const counts = `queued ${p.queued} · sent ${p.sent} · delivered ${p.delivered} · failed ${p.failed}${waiting}`
  return `[${bar}] ${String(percent).padStart(3)}%  ${handled}/${p.recipients}  ${counts}`
}
