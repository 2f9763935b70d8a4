// --at and --expires as typed: ISO 8601 with an offset, or a count of s, m, h or d after a base.
import t from 'tap'
import { readWhen } from '../../src/cli/times.js'

const base = new Date('2026-11-23T12:00:00.000Z')
const read = (input: string) => readWhen(input, base)?.toISOString()

t.test('relative and absolute times; anything else is undefined', async (t) => {
  t.equal(read('+30m'), '2026-11-23T12:30:00.000Z')
  t.equal(read('+2h'), '2026-11-23T14:00:00.000Z')
  t.equal(read('+90s'), '2026-11-23T12:01:30.000Z')
  t.equal(read('+1d'), '2026-11-24T12:00:00.000Z')
  t.equal(read(' +2H '), '2026-11-23T14:00:00.000Z')
  t.equal(read('2026-12-01T09:00:00-05:00'), '2026-12-01T14:00:00.000Z')
  t.equal(read('2026-12-01T09:00-0500'), '2026-12-01T14:00:00.000Z')
  t.equal(read('2026-12-01T14:00:00.250Z'), '2026-12-01T14:00:00.250Z')
  for (const bad of ['', '30m', '+2w', '-2h', '2026-12-01', '2026-12-01T09:00:00', 'tomorrow', '2026-02-30T09:00:00Z'])
    t.equal(read(bad), undefined, `"${bad}"`)
})
