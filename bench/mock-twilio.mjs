// A local mock of Twilio's Messages API in its own process; tells the parent, over IPC, how many arrived and when,
// how many distinct recipients (`To`) there were, how many arrived from each sender (`From`), the busiest second, and
// when (wall-clock ms, comparable across processes) the first message reached each of the recipients asked about.
import { performance } from 'node:perf_hooks'
import { startMockTwilio } from '../dist/src/dev/mock-twilio.js'

let count = 0
let first = 0
let last = 0
/** Arrivals per recipient, arrival times (ms, in order) and arrivals per sender, since the last reset. */
let recipients = new Map()
let times = []
let senders = new Map()
/** Wall-clock ms of each recipient's first arrival. */
let firstAt = new Map()

const mock = await startMockTwilio({
  countOnly: true,
  onMessage: (message) => {
    last = performance.now()
    if (count === 0) first = last
    count += 1
    times.push(last)
    recipients.set(message.to, (recipients.get(message.to) ?? 0) + 1)
    if (!firstAt.has(message.to)) firstAt.set(message.to, Date.now())
    const from = message.from ?? message.messagingServiceSid ?? ''
    senders.set(from, (senders.get(from) ?? 0) + 1)
  },
})

/** The most arrivals within any closed 1-second window (at exactly 50/s that is 51: both ends included). */
function busiestSecond() {
  let most = 0
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end] - times[start] > 1000) start += 1
    most = Math.max(most, end - start + 1)
  }
  return most
}

process.send?.({ ready: mock.url })
process.on('message', (request) => {
  if (typeof request === 'object' && request !== null && Array.isArray(request.arrivals)) {
    return process.send?.({ arrivals: request.arrivals.map((to) => firstAt.get(to) ?? null) })
  }
  if (request === 'reset') {
    firstAt = new Map()
    count = 0
    recipients = new Map()
    times = []
    senders = new Map()
  }
  process.send?.({
    count,
    first,
    last,
    distinct: recipients.size,
    duplicates: count - recipients.size,
    busiestSecond: request === 'detail' ? busiestSecond() : undefined,
    bySender: Object.fromEntries(senders),
  })
})
process.on('SIGTERM', () => void mock.close().then(() => process.exit(0)))
