// Signing in to the console as the pages do: the code flow at /verify, the code read from the recording sender.
import type { FastifyInstance } from 'fastify'
import type { RecordingSender } from '../helpers.js'
import { Browser } from '../web/client.js'

/** A browser signed in by verifying `phone` (any usual spelling); its cookies carry the session. */
export async function signIn(app: FastifyInstance, sender: RecordingSender, phone: string): Promise<Browser> {
  const browser = new Browser(app)
  await browser.get('/verify')
  const sent = await browser.post('/verify', { phone })
  if (sent.statusCode !== 200) throw new Error(`POST /verify answered ${sent.statusCode}`)
  const code = /code is (\d+)/.exec(sender.sent.at(-1)?.body ?? '')?.[1] as string
  const checked = await browser.post('/verify/code', { phone, code })
  if (checked.statusCode !== 200) throw new Error(`POST /verify/code answered ${checked.statusCode}`)
  return browser
}
