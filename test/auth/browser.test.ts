// Sign-in with the identity provider in Debian's Chromium (playwright-core): its pages, back signed in, a phone, and /me.
/// <reference lib="dom" />
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import t from 'tap'
import { buildTestApp, type RecordingSender } from '../helpers.js'
import { freePort } from '../ports.js'
import { startProvider } from './provider.js'

const CHROMIUM = '/usr/bin/chromium'

if (!existsSync(CHROMIUM)) {
  throw new Error(`No browser at ${CHROMIUM}: the browser test needs Debian's Chromium (apt-get install -y chromium; .ci/run does it).`)
}

t.test('sign in with the provider, verify a phone, see the e-mail on /me', async (t) => {
  // The app listens where PUBLIC_URL says: the provider sends the browser back to PUBLIC_URL/auth/callback.
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const provider = await startProvider(t, base)
  const { app, db, sender } = await buildTestApp(t, { env: provider.env })
  await app.listen({ port, host: '127.0.0.1' })
  const recorded = sender as RecordingSender

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
  // Only the two local servers: the provider's pages import a web font, which the test has no need (or network) for.
  await page.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  )

  await page.goto(`${base}/verify`)
  t.equal(await page.title(), 'Sign in · smsbot')
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click()

  await page.waitForURL(`${provider.issuer}/interaction/**`)
  await page.locator('input[name="login"]').fill('ada')
  await page.locator('input[name="password"]').fill('any password')
  await page.getByRole('button', { name: 'Sign-in' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()

  await page.waitForURL(`${base}/verify`)
  t.equal(await page.title(), 'Verify your phone · smsbot', 'back, signed in: the phone form')
  t.match(await page.locator('main').textContent(), /Signed in as ada@example\.edu\./)

  await page.getByLabel('Mobile number').fill('(617) 555-0123')
  await page.getByRole('button', { name: 'Text me a code' }).click()
  await page.waitForURL(`${base}/verify`)
  t.equal(await page.title(), 'Enter your code · smsbot')
  const code = /code is (\d{4})/.exec(recorded.sent.at(-1)?.body ?? '')?.[1] as string
  t.equal(recorded.sent.at(-1)?.to, '+16175550123')
  await page.getByLabel('Code').fill(code)
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByRole('status').waitFor()
  t.equal(await page.getByRole('status').textContent(), "You are now subscribed! Send 'H' for help on commands.")

  await page.getByRole('link', { name: 'Go to your profile' }).click()
  await page.waitForURL(`${base}/me`)
  t.match(await page.locator('dl').first().textContent(), /E-mail\s*ada@example\.edu.*\+1\*{6}0123/s, '/me shows the e-mail')

  const linked = await db
    .selectFrom('phones')
    .innerJoin('profiles', 'profiles.id', 'phones.profile_id')
    .select(['profiles.issuer', 'profiles.subject', 'profiles.email'])
    .where('phones.phone', '=', '+16175550123')
    .executeTakeFirst()
  t.same(linked, { issuer: provider.issuer, subject: 'ada', email: 'ada@example.edu' }, 'the phone is linked to that issuer and subject')

  await page.getByRole('button', { name: 'Log out' }).click()
  await page.waitForURL(`${base}/verify`)
  t.equal(await page.title(), 'Sign in · smsbot', 'logged out: the sign-in is offered again')
})
