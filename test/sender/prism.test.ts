// Twilio contract: the Twilio sender through the real SDK against Prism serving Twilio's own OpenAPI spec.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createTwilioSender } from '../../src/sender/twilio.js'
import { ACCOUNT_SID } from '../helpers.js'

const SPEC = fileURLToPath(new URL('../../fixtures/twilio/twilio_api_v2010.json', import.meta.url))
const PRISM = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js')
const PORT = 4010 + (process.pid % 500)
const URL_BASE = `http://127.0.0.1:${PORT}`

// Prism takes ~20 s to load the spec: started once for this file.
const prism = spawn(process.execPath, [PRISM, 'mock', SPEC, '--host', '127.0.0.1', '--port', String(PORT), '--errors'], { stdio: ['ignore', 'pipe', 'pipe'] })
t.teardown(() => {
  prism.kill()
})

t.before(async () => {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    try {
      await fetch(URL_BASE)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  throw new Error('Prism did not start within 90 s')
})

t.test('a normal send is accepted by Twilio’s API description', async (t) => {
  const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: '0123456789abcdef0123456789abcdef', apiUrl: URL_BASE, phoneNumber: '+16175550100' })
  const sent = await sender.send({ to: '+16175550123', body: 'Your smsbot code is 4821', statusCallback: 'https://abc123.ngrok-free.app/sms/status' })
  t.match(sent.sid, /^(SM|MM)[0-9a-fA-F]{32}$/)
})

t.test('the mock is strict: a request the spec does not allow is rejected', async (t) => {
  const response = await fetch(`${URL_BASE}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:x`).toString('base64')}` },
    body: 'Body=no+recipient',
  })
  t.ok(response.status >= 400 && response.status < 500, `missing To is refused (${response.status})`)
})
