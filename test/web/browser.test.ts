// The verification flow in Debian's Chromium (playwright-core), with a screenshot of each page at phone size.
/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import t from 'tap'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, type RecordingSender } from '../helpers.js'
import { projectPath } from '../root.js'

const CHROMIUM = '/usr/bin/chromium'
const SHOTS = projectPath('test/screenshots/')

if (!existsSync(CHROMIUM)) {
  throw new Error(`No browser at ${CHROMIUM}: the browser test needs Debian's Chromium (apt-get install -y chromium; .ci/run does it).`)
}

t.test('verify a phone, see the profile, toggle a topic, log out', async (t) => {
  const { app, db, sender, clock } = await buildTestApp(t)
  await saveTopic(db, 'CS2500-01', 'Fundamentals of Computer Science 1', clock.now())
  await saveTopic(db, 'MATH1341', 'Calculus 1 for Science and Engineering', clock.now())
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const recorded = sender as RecordingSender
  mkdirSync(SHOTS, { recursive: true })

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
  const shot = (name: string) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true })

  await page.goto(`${base}/verify`)
  t.equal(await page.title(), 'Verify your phone · smsbot')
  t.equal(await page.evaluate(() => document.activeElement?.id), 'phone', 'the phone field has focus')
  await shot('1-verify')
  await page.getByLabel('Mobile number').fill('(617) 555-0123')
  await page.getByLabel('Your name (optional)').fill('Ada Lovelace')
  await page.getByRole('button', { name: 'Text me a code' }).click()
  await page.waitForURL(`${base}/verify`)
  t.equal(await page.title(), 'Enter your code · smsbot')
  const code = /code is (\d{4})/.exec(recorded.sent.at(-1)?.body ?? '')?.[1] as string
  t.match(code, /^\d{4}$/, 'the code was sent to +16175550123')
  t.equal(recorded.sent.at(-1)?.to, '+16175550123')
  t.equal(await page.getByLabel('Code').getAttribute('autocomplete'), 'one-time-code')
  await shot('2-code')

  await page.getByLabel('Code').fill(code === '0000' ? '1111' : '0000')
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByRole('alert').waitFor()
  t.equal(await page.getByRole('alert').textContent(), 'That code is not right. You have 4 tries left.')
  t.equal(await page.evaluate(() => document.activeElement?.id), 'code', 'focus is on the field in error')
  await shot('3-wrong-code')

  await page.getByLabel('Code').fill(code)
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByRole('status').waitFor()
  t.equal(await page.getByRole('status').textContent(), "You are now subscribed! Send 'H' for help on commands.")
  await shot('4-success')

  await page.getByRole('link', { name: 'Go to your profile' }).click()
  await page.waitForURL(`${base}/me`)
  t.match(await page.locator('dl').first().textContent(), /Ada Lovelace.*\+1\*{6}0123/s)
  t.match(
    await page.locator('dl').nth(1).textContent(),
    /Quiet hours.*21:00–08:00.*Time zone.*America\/New_York/s,
    'quiet hours and zone are shown',
  )
  await shot('5-profile')
  await page.getByLabel('Quiet hours').fill('22-7')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.waitForURL(`${base}/me?saved=1`)
  t.match(await page.locator('dl').nth(1).textContent(), /22:00–07:00, your own choice/)
  await page.getByRole('button', { name: 'Follow CS2500-01' }).click()
  await page.getByRole('button', { name: 'Stop following CS2500-01' }).waitFor()
  const rows = await db.selectFrom('subscriptions').select(['phone', 'topic_key']).execute()
  t.same(rows, [{ phone: '+16175550123', topic_key: 'CS2500-01' }])
  await shot('6-profile-subscribed')

  await page.getByRole('button', { name: 'Log out' }).click()
  await page.waitForURL(`${base}/verify`)
  await page.goto(`${base}/me`)
  t.equal(new URL(page.url()).pathname, '/verify', 'signed out: /me leads back to /verify')
})
