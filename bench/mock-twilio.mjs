// A local mock of Twilio's Messages API in its own process; tells the parent, over IPC, how many arrived and when.
import { startMockTwilio } from '../dist/src/dev/mock-twilio.js'

let count = 0
let first = 0
let last = 0
const mock = await startMockTwilio({
  countOnly: true,
  onMessage: () => {
    last = performance.now()
    if (count === 0) first = last
    count += 1
  },
})
process.send?.({ ready: mock.url })
process.on('message', (request) => {
  if (request === 'reset') count = 0
  process.send?.({ count, first, last })
})
process.on('SIGTERM', () => void mock.close().then(() => process.exit(0)))
