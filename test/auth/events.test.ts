// End to end (SPEC §12): a person signs in with the team's provider and verifies a phone; the team's receiver gets
// phone.verified with the provider's subject and e-mail, signed in the Standard Webhooks format.
import t from 'tap'
import { createEventDeliverer } from '../../src/event-deliverer.js'
import { buildTestApp, memoryLogger, type RecordingSender } from '../helpers.js'
import { EVENTS_SECRET, startReceiver } from '../events/receiver.js'
import { drive } from '../events/setup.js'
import { Browser } from '../web/client.js'
import { authorize, startProvider } from './provider.js'

const PUBLIC_URL = 'http://smsbot.test'

t.test("sign in with the provider, verify a phone: the team's receiver gets phone.verified with the subject", async (t) => {
  const provider = await startProvider(t, PUBLIC_URL)
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const test = await buildTestApp(t, { env: { ...provider.env, EVENTS_URL: receiver.url, EVENTS_SECRET } })
  const { logger } = memoryLogger()
  const deliverer = createEventDeliverer({ db: test.db, clock: test.clock, logger, events: test.config.events, auth0: undefined })
  deliverer.start()
  t.teardown(() => deliverer.stop())

  const browser = new Browser(test.app)
  const started = await browser.get('/auth/login')
  const back = await authorize(started.headers.location as string, 'grace', `${PUBLIC_URL}/auth/callback`)
  t.equal((await browser.get(`${back.pathname}${back.search}`)).headers.location, '/verify')
  await browser.get('/verify')
  t.equal((await browser.post('/verify', { phone: '(617) 555-0177', name: '' })).statusCode, 200)
  const code = /code is (\d{4})/.exec((test.sender as RecordingSender).sent.at(-1)?.body ?? '')?.[1] as string
  t.equal((await browser.post('/verify/code', { phone: '+16175550177', name: '', code })).statusCode, 200)

  await drive(test.clock, () => receiver.deliveries.some((d) => d.body.type === 'phone.verified'), 'phone.verified at the receiver')
  t.same(receiver.rejected, [], 'every delivery verified with standardwebhooks')
  const verified = receiver.deliveries.find((d) => d.body.type === 'phone.verified')
  const profile = await test.db.selectFrom('profiles').select('id').where('subject', '=', 'grace').executeTakeFirstOrThrow()
  t.same(verified?.body.data, {
    phone: '+16175550177',
    profileId: profile.id,
    subject: 'grace',
    email: 'grace@example.edu',
    method: 'code',
  })
  t.match(verified?.id, /^msg_/, 'the webhook-id')
})
