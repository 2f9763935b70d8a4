import { startMockTwilio } from '../src/dev/mock-twilio.js'
import { createTwilioSender } from '../src/sender/twilio.js'
const mock = await startMockTwilio({ countOnly: true })
const sender = createTwilioSender({ accountSid: `AC${'0'.repeat(32)}`, authToken: 'x'.repeat(32), apiUrl: mock.url, phoneNumber: '+16175550100' })
let t = performance.now()
for (let i = 0; i < 100; i++) await sender.send({ to: '+16175550101', body: 'hi' })
console.log('sequential ms/send', ((performance.now() - t) / 100).toFixed(2))
t = performance.now()
await Promise.all(Array.from({ length: 10 }, async () => { for (let i = 0; i < 100; i++) await sender.send({ to: '+16175550101', body: 'hi' }) }))
console.log('10 parallel msg/s', (1000 / ((performance.now() - t) / 1000)).toFixed(0))
await mock.close()
