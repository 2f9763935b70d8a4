// Quiet hours as pure rules on an injected instant: boundary minutes, windows across midnight, several zones, summer time.
import t from 'tap'
import { inWindow, isQuietIn, nextOpening, quietState } from '../../src/notify/quiet.js'
import { effectiveQuietWindow, parseQuietWindow, type QuietWindow } from '../../src/phones/settings.js'

const window = (text: string) => parseQuietWindow(text) as QuietWindow
const NY = 'America/New_York'
const LA = 'America/Los_Angeles'
const at = (iso: string) => new Date(iso)
const state = (zones: string[], w: QuietWindow | undefined, iso: string, fallback = NY) => {
  const s = quietState(zones, w, at(iso), fallback)
  return s.quiet ? { quiet: true, opensAt: s.opensAt.toISOString() } : { quiet: false }
}

t.test('each boundary minute of 21-8 in New York (winter, UTC-5)', async (t) => {
  const w = window('21-8')
  t.same(state([NY], w, '2026-12-01T01:59:59.999Z'), { quiet: false }, '20:59:59.999 is still open')
  t.same(state([NY], w, '2026-12-01T02:00:00Z'), { quiet: true, opensAt: '2026-12-01T13:00:00.000Z' }, '21:00 is quiet until 08:00')
  t.same(state([NY], w, '2026-12-01T04:59:00Z'), { quiet: true, opensAt: '2026-12-01T13:00:00.000Z' }, '23:59')
  t.same(state([NY], w, '2026-12-01T05:00:00Z'), { quiet: true, opensAt: '2026-12-01T13:00:00.000Z' }, 'midnight')
  t.same(state([NY], w, '2026-12-01T12:59:30Z'), { quiet: true, opensAt: '2026-12-01T13:00:00.000Z' }, '07:59:30')
  t.same(state([NY], w, '2026-12-01T13:00:00Z'), { quiet: false }, '08:00 is open')
  t.same(state([NY], w, '2026-12-01T17:00:00Z'), { quiet: false }, 'noon')
})

t.test('a window that does not cross midnight, and inWindow at its ends', async (t) => {
  const w = window('1-6')
  t.ok(inWindow(w, 60))
  t.notOk(inWindow(w, 59))
  t.notOk(inWindow(w, 360))
  t.same(state([NY], w, '2026-12-01T05:30:00Z'), { quiet: false }, '00:30')
  t.same(state([NY], w, '2026-12-01T07:00:00Z'), { quiet: true, opensAt: '2026-12-01T11:00:00.000Z' }, '02:00 until 06:00')
  const across = window('22-7')
  t.ok(inWindow(across, 22 * 60) && inWindow(across, 0) && inWindow(across, 419))
  t.notOk(inWindow(across, 420) || inWindow(across, 1319))
})

t.test('no window (QUIET_HOURS=off, or the phone turned them off): never quiet', async (t) => {
  t.same(state([NY], undefined, '2026-12-01T07:00:00Z'), { quiet: false })
  t.same(state([NY], effectiveQuietWindow({ kind: 'off' }, window('21-8')), '2026-12-01T07:00:00Z'), { quiet: false })
})

t.test("per-phone windows: the phone's own 22-7 instead of the deployment's 21-8", async (t) => {
  const own = effectiveQuietWindow({ kind: 'window', window: window('22-7') }, window('21-8'))
  t.same(state([NY], own, '2026-12-01T02:30:00Z'), { quiet: false }, '21:30 is open for this phone')
  t.same(state([NY], own, '2026-12-01T03:00:00Z'), { quiet: true, opensAt: '2026-12-01T12:00:00.000Z' }, '22:00 until 07:00')
})

t.test('20:59 in New York: quiet hours have not begun there, while Los Angeles is at 17:59', async (t) => {
  const w = window('21-8')
  t.same(state([NY], w, '2026-12-02T01:59:00Z'), { quiet: false })
  t.same(state([LA], w, '2026-12-02T01:59:00Z'), { quiet: false })
  t.same(state([NY], w, '2026-12-02T02:00:00Z'), { quiet: true, opensAt: '2026-12-02T13:00:00.000Z' })
  t.same(state([LA], w, '2026-12-02T02:00:00Z'), { quiet: false }, '18:00 in Los Angeles')
  t.same(state([LA], w, '2026-12-02T05:00:00Z'), { quiet: true, opensAt: '2026-12-02T16:00:00.000Z' }, 'Los Angeles opens at 08:00 PST')
})

t.test('a number in several zones is sent only when it is outside quiet hours in all of them', async (t) => {
  const w = window('21-8')
  const alaska = ['America/Adak', 'America/Anchorage'] // Adak is an hour behind Anchorage
  // 20:30 in Anchorage (AKST, UTC-9) is 19:30 in Adak: open in both.
  t.same(state(alaska, w, '2026-12-02T05:30:00Z'), { quiet: false })
  // 21:30 Anchorage, 20:30 Adak: quiet in one is quiet; it opens at 08:00 Adak (UTC-10) = 18:00 UTC, an hour after Anchorage.
  t.same(state(alaska, w, '2026-12-02T06:30:00Z'), { quiet: true, opensAt: '2026-12-02T18:00:00.000Z' })
  // 07:30 Adak and 08:30 Anchorage: still quiet in Adak.
  t.same(state(alaska, w, '2026-12-02T17:30:00Z'), { quiet: true, opensAt: '2026-12-02T18:00:00.000Z' })
  t.same(state(alaska, w, '2026-12-02T18:00:00Z'), { quiet: false })
  const idaho = ['America/Boise', LA]
  t.same(
    state(idaho, w, '2026-12-02T04:30:00Z'),
    { quiet: true, opensAt: '2026-12-02T16:00:00.000Z' },
    '21:30 in Boise: until 08:00 in Los Angeles',
  )
})

t.test('zones whose open hours never meet fall back to the fallback zone alone', async (t) => {
  // Open 10:00–18:00 in New York (UTC-5) and in Kolkata (UTC+5:30) never overlap.
  const w = window('18-10')
  const apart = [NY, 'Asia/Kolkata']
  t.same(
    state(apart, w, '2026-12-02T12:00:00Z', NY),
    { quiet: true, opensAt: '2026-12-02T15:00:00.000Z' },
    '07:00 in New York: until 10:00 there',
  )
  t.same(state(apart, w, '2026-12-02T17:00:00Z', NY), { quiet: false }, 'noon in New York (22:30 in Kolkata)')
  // With 21-8 (open 13 hours a day), any two zones' open hours meet.
  t.same(state(['Pacific/Kiritimati', 'Pacific/Pago_Pago'], window('21-8'), '2026-12-02T12:00:00Z'), {
    quiet: true,
    opensAt: '2026-12-02T19:00:00.000Z',
  })
})

t.test('summer time starts (8 March 2026, 02:00 → 03:00 in New York)', async (t) => {
  const w = window('21-8')
  // 21:00 EST on 7 March is 02:00 UTC on the 8th; 08:00 EDT on the 8th is 12:00 UTC: the night is an hour shorter.
  t.same(state([NY], w, '2026-03-08T02:00:00Z'), { quiet: true, opensAt: '2026-03-08T12:00:00.000Z' })
  t.same(state([NY], w, '2026-03-08T11:59:00Z'), { quiet: true, opensAt: '2026-03-08T12:00:00.000Z' })
  t.same(state([NY], w, '2026-03-08T12:00:00Z'), { quiet: false })
  // A window that ends inside the skipped hour opens at 03:00 EDT, the first minute after the gap.
  const gap = window('1-2:30')
  t.same(state([NY], gap, '2026-03-08T06:30:00Z'), { quiet: true, opensAt: '2026-03-08T07:00:00.000Z' }, '01:30 EST until 03:00 EDT')
  t.equal(nextOpening(NY, gap, Date.parse('2026-03-08T06:30:00Z')), Date.parse('2026-03-08T07:00:00Z'))
})

t.test('summer time ends (1 November 2026, 02:00 → 01:00 in New York)', async (t) => {
  const w = window('21-8')
  // 21:00 EDT on 31 October is 01:00 UTC; 08:00 EST on 1 November is 13:00 UTC: the night is an hour longer.
  t.same(state([NY], w, '2026-11-01T01:00:00Z'), { quiet: true, opensAt: '2026-11-01T13:00:00.000Z' })
  t.same(state([NY], w, '2026-11-01T12:59:00Z'), { quiet: true, opensAt: '2026-11-01T13:00:00.000Z' })
  t.same(state([NY], w, '2026-11-01T13:00:00Z'), { quiet: false })
  // The repeated hour (01:00–02:00 twice) is quiet both times for a window ending at 08:00.
  t.ok(isQuietIn(NY, w, Date.parse('2026-11-01T05:30:00Z')) && isQuietIn(NY, w, Date.parse('2026-11-01T06:30:00Z')))
})

t.test('zones without summer time, and across the date line', async (t) => {
  const w = window('21-8')
  t.same(state(['America/Phoenix'], w, '2026-07-02T04:00:00Z'), { quiet: true, opensAt: '2026-07-02T15:00:00.000Z' }, '21:00 MST in July')
  t.same(state(['Asia/Tokyo'], w, '2026-07-02T12:00:00Z'), { quiet: true, opensAt: '2026-07-02T23:00:00.000Z' }, '21:00 in Tokyo')
})
