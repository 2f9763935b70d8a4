// Twilio contract: the Twilio sender through the real SDK against Prism serving Twilio's own OpenAPI spec.
import t from 'tap'
import { createTwilioSender } from '../../src/sender/twilio.js'
import { ACCOUNT_SID } from '../helpers.js'
import { prismFor } from '../prism.js'

const prism = prismFor(t, { errors: true })

t.test('a normal send is accepted by Twilio’s API description', async (t) => {
  const sender = createTwilioSender({
    accountSid: ACCOUNT_SID,
    authToken: '0123456789abcdef0123456789abcdef',
    apiUrl: prism.url,
    phoneNumber: '+16175550100',
  })
  const sent = await sender.send({
    to: '+16175550123',
    body: 'Your smsbot code is 4821',
    statusCallback: 'https://abc123.ngrok-free.app/sms/status',
  })
  t.match(sent.sid, /^(SM|MM)[0-9a-fA-F]{32}$/)
})

t.test('the mock is strict: a request the spec does not allow is rejected', async (t) => {
  const response = await fetch(`${prism.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:x`).toString('base64')}`,
    },
    body: 'Body=no+recipient',
  })
  t.ok(response.status >= 400 && response.status < 500, `missing To is refused (${response.status})`)
})
