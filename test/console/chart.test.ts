// The overview's chart layout (console/chart.ts): one unit per minute, bars scaled to the busiest minute, the window kept.
import t from 'tap'
import { CHART_HEIGHT, minuteChart } from '../../src/console/chart.js'

const since = new Date('2026-11-23T10:00:30.000Z')

t.test('bars scaled to the busiest minute, at their minute of the window', async (t) => {
  const chart = minuteChart(
    [
      { minute: '2026-11-23T10:00', count: 2 },
      { minute: '2026-11-23T10:05', count: 4 },
      { minute: '2026-11-23T10:09', count: 4 },
      { minute: '2026-11-23T10:07', count: 0 },
    ],
    since,
    10,
  )
  t.equal(chart.width, 10)
  t.equal(chart.height, CHART_HEIGHT)
  t.same(chart.bars, [
    { x: 0, y: 50, height: 50 },
    { x: 5, y: 0, height: 100 },
    { x: 9, y: 0, height: 100 },
  ])
  t.equal(chart.max, 4)
  t.equal(chart.total, 10)
  t.same(chart.peak, { minute: '2026-11-23T10:05', count: 4 }, 'the first of equals')
})

t.test('minutes outside the window are left out; a tiny bar stays visible', async (t) => {
  const chart = minuteChart(
    [
      { minute: '2026-11-23T09:59', count: 50 },
      { minute: '2026-11-23T10:01', count: 1 },
      { minute: '2026-11-23T10:02', count: 500 },
      { minute: '2026-11-23T10:10', count: 50 },
    ],
    since,
    10,
  )
  t.same(
    chart.bars.map((b) => b.x),
    [1, 2],
  )
  t.equal(chart.bars[0]?.height, 1, 'at least one unit high')
  t.equal(chart.total, 501)
})

t.test('nothing sent: no bars, no peak', async (t) => {
  t.same(minuteChart([], since, 1441), { width: 1441, height: CHART_HEIGHT, bars: [], max: 0, total: 0, peak: undefined })
})
