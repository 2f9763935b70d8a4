// The texts write a quiet window as phones/settings.ts does: the short form it reads and keeps, and the page's form.
import t from 'tap'
import { windowDescribed, windowShort, windowText } from '../../src/copy/quiet.js'
import { describeQuietWindow, formatQuietWindow, parseQuietWindow } from '../../src/phones/settings.js'

t.test('every window on a quarter-hour grid: the same short form as phones/settings.ts, which reads it back', async (t) => {
  let differ = 0
  for (let start = 0; start < 24 * 60; start += 15) {
    for (let end = 0; end < 24 * 60; end += 45) {
      if (start === end) continue
      const window = { start, end }
      if (windowShort(window) !== formatQuietWindow(window) || windowDescribed(window) !== describeQuietWindow(window)) differ++
      if (parseQuietWindow(windowShort(window))?.start !== start) differ++
    }
  }
  t.equal(differ, 0)
})

t.test('the three forms', async (t) => {
  const window = { start: 22 * 60 + 30, end: 7 * 60 }
  t.equal(windowShort(window), '22:30-7')
  t.equal(windowDescribed(window), '22:30–07:00')
  t.equal(windowText(window), '22:30-07:00', 'a plain hyphen in texts: GSM-7')
})
