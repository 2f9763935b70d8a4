// Compose and a live fan-out in Debian's Chromium (playwright-core): counts as one types, the confirmation, the progress
// bar fed by Server-Sent Events while a mock Twilio records the sends and answers one with 21610; that failure on the
// overview and the phone opted out on the People page, its consent CSV downloaded; keywords added and removed; a
// non-operator refused; axe, 375 px, keyboard only, and two screenshots.
/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Page } from 'playwright-core'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { systemClock } from '../../src/clock.js'
import { consoleCopy, twilioErrorMeaning } from '../../src/copy/index.js'
import { migrateToLatest, openDatabase } from '../../src/database.js'
import { startMockTwilio, type MockTwilio } from '../../src/dev/mock-twilio.js'
import { framedSegments } from '../../src/notify/framing.js'
import { createTwilioSender } from '../../src/sender/twilio.js'
import { ACCOUNT_SID, AUTH_TOKEN, memoryLogger, testConfig, text } from '../helpers.js'
import { projectPath } from '../root.js'

const CHROMIUM = '/usr/bin/chromium'
// With the other screenshots (git-ignored), so a test run leaves the tree clean; the README's copies in docs/screens/
// are refreshed from these by hand (docs/development.md).
const SCREENS = projectPath('test/screenshots/')
const OPERATOR = '+16175550123'
const TOKEN = 'test-admin-token-0123456789'
const KEY = 'CS2500-01'
/** A texter who replied STOP to the number at the carrier: Twilio answers a send to it with 21610. */
const STOPPED = '+14155550406'
// Boston and San Francisco numbers; quiet hours are off here, as this test runs on the real clock at any hour.
const TEXTERS = ['+16175550401', '+16175550402', '+16175550403', '+14155550404', '+14155550405', STOPPED]
/** Someone who verifies a phone that is not in OPERATOR_PHONES. */
const NOT_OPERATOR = '+16175550499'
/** Twilio's answer to a send to a phone that opted out, as its REST API gives it. */
const UNSUBSCRIBED = {
  status: 400,
  body: {
    code: 21610,
    message: 'Attempt to send to unsubscribed recipient',
    more_info: 'https://www.twilio.com/docs/errors/21610',
    status: 400,
  },
}

if (!existsSync(CHROMIUM)) {
  throw new Error(`No browser at ${CHROMIUM}: the browser test needs Debian's Chromium (apt-get install -y chromium; .ci/run does it).`)
}

/** A +1 number as a person types it: (617) 555-0123. */
const typed = (phone: string) => `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`

/** Verifies `phone` by the code flow in `page`; the code is read from what the mock Twilio was asked to send. */
async function signIn(page: Page, base: string, mock: MockTwilio, phone = OPERATOR) {
  await page.goto(`${base}/verify`)
  await page.getByLabel('Mobile number').fill(typed(phone))
  await page.getByRole('button', { name: 'Text me a code' }).click()
  await page.getByLabel('Code').waitFor()
  const sent = mock.messages.filter((m) => m.to === phone).at(-1)
  const code = /code is (\d+)/.exec(sent?.body ?? '')?.[1] as string
  await page.getByLabel('Code').fill(code)
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByRole('status').waitFor()
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
async function graveViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || '')

t.test('compose, confirm and watch the fan-out in a browser', async (t) => {
  // The mock Twilio accepts every send but the notification's to STOPPED, which it answers as Twilio does: 21610.
  const refused: string[] = []
  const mock = await startMockTwilio({
    respond: (m) => {
      if (m.to !== STOPPED || !m.body.startsWith('Lab moved')) return undefined
      refused.push(m.to)
      return UNSUBSCRIBED
    },
  })
  t.teardown(() => mock.close())
  const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: mock.url, phoneNumber: '+16175550100' })
  // Four sends a second: six recipients take a second and a half, long enough to see the bar move.
  const env = { OPERATOR_PHONES: OPERATOR, ADMIN_TOKEN: TOKEN, SEND_RATE_PER_SECOND: '4', QUIET_HOURS: 'off' }
  const config = testConfig(t, env)
  const db = openDatabase(config.databaseLocation)
  await migrateToLatest(db, config.databaseLocation)
  const app = await buildApp({ config, db, sender, logger: memoryLogger().logger, clock: systemClock, dispatch: true })
  t.teardown(() => app.close())
  const base = await app.listen({ port: 0, host: '127.0.0.1' })

  const opened = await app.inject({
    method: 'PUT',
    url: `/api/topics/${KEY}`,
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: { title: 'Fundamentals of Computer Science 1' },
  })
  t.equal(opened.statusCode, 200)
  for (const phone of TEXTERS) await text(app, `SUB ${KEY}`, { From: phone })

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  })
  t.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 })
  const page = await context.newPage()
  await signIn(page, base, mock)
  mkdirSync(SCREENS, { recursive: true })
  const sendsOf = (body: string) => mock.messages.filter((m) => m.body.startsWith(body))

  await t.test('the counts change as one types, from the server', async (t) => {
    await page.goto(`${base}/console/compose`)
    t.equal(await page.title(), 'Compose · smsbot console')
    t.equal(await page.locator('#preview-button').isHidden(), true, 'the script hides the no-JavaScript button')
    t.match(await page.locator('#audience').textContent(), /6 recipients now/)
    t.same(await graveViolations(page), [], 'axe: compose')

    const body = page.getByLabel('Text')
    await body.pressSequentially('Lab moved to room 210 tonight.')
    await page.locator('#count-characters').filter({ hasText: '30 of 1,600' }).waitFor()
    t.match(await page.locator('#count-encoding').textContent(), /^GSM-7/)
    t.equal(await page.locator('#count-segments').textContent(), '1 segment per recipient, the last line included')

    // A long text: the segments follow as one types.
    const more = ' Bring your laptop, your charger and the worksheet from last week; we start at six sharp, so please be on time.'
    await body.pressSequentially(more)
    const long = `Lab moved to room 210 tonight.${more}`
    await page
      .locator('#count-segments')
      .filter({ hasText: `${framedSegments(long, KEY)} segments` })
      .waitFor()
    t.equal(framedSegments(long, KEY), 2, 'with its last line, two GSM-7 segments')

    // The counts as the README shows them: the text, its counts and the fields below it.
    await page.evaluate(() => window.scrollTo(0, (document.querySelector('label[for="topic"]') as HTMLElement).offsetTop - 16))
    await page.screenshot({ path: `${SCREENS}send-compose.png` })

    await body.pressSequentially(' 🎉')
    await page
      .locator('#count-encoding')
      .filter({ hasText: /^UCS-2/ })
      .waitFor()
    const emoji = `${long} 🎉`
    t.equal(framedSegments(emoji, KEY), 3)
    await page.locator('#count-segments').filter({ hasText: '3 segments per recipient' }).waitFor()
    t.equal(await page.locator('#count-characters').textContent(), `${emoji.length} of 1,600`)

    // And back: without the emoji, GSM-7 and two segments again.
    await body.press('Backspace')
    await body.press('Backspace')
    await page
      .locator('#count-encoding')
      .filter({ hasText: /^GSM-7/ })
      .waitFor()
    t.equal(await page.locator('#count-segments').textContent(), '2 segments per recipient, the last line included')
  })

  await t.test('the confirmation states recipients × segments; publishing is watched live to the end, one send failed', async (t) => {
    await page.getByRole('button', { name: 'Review and confirm' }).click()
    await page.waitForURL(`${base}/console/compose`)
    t.equal(await page.title(), 'Confirm the notification · smsbot console')
    t.equal(await page.locator('#total').textContent(), '6 recipients × 2 segments = 12 segments')
    t.same(await graveViolations(page), [], 'axe: the confirmation')
    t.equal(mock.messages.filter((m) => m.body.startsWith('Lab moved')).length, 0, 'nothing sent before Publish')

    await page.getByRole('button', { name: 'Publish' }).click()
    await page.waitForURL(/\/console\/notifications\/\d+\?published=1$/)
    const bar = page.locator('#progress-bar')
    await page.evaluate(() => window.scrollTo(0, (document.getElementById('progress-title') as HTMLElement).offsetTop - 16))
    // Mid-way if the page is quicker than the fan-out (it usually is); done otherwise.
    await page.waitForFunction(() => Number((document.getElementById('progress-bar') as HTMLProgressElement).value) >= 1)
    await page.screenshot({ path: `${SCREENS}send-fan-out.png` })
    await page.locator('#progress-state').filter({ hasText: 'Done: nothing is left to send.' }).waitFor({ timeout: 20_000 })
    t.equal(await bar.getAttribute('max'), '6')
    t.equal(await bar.evaluate((el) => (el as HTMLProgressElement).value), 6, 'the bar is full')
    t.equal(await page.locator('#progress-label').textContent(), '6 of 6 finished')
    t.equal(await page.locator('#count-sent').textContent(), '5')
    t.equal(await page.locator('#count-failed').textContent(), '1', 'the send Twilio answered with 21610')
    t.equal(await page.locator('#count-queued').textContent(), '0')
    const sends = sendsOf('Lab moved')
    t.same(
      sends.map((m) => m.to).sort(),
      TEXTERS.filter((p) => p !== STOPPED).sort(),
      'the mock Twilio recorded one send per recipient but STOPPED',
    )
    t.same(refused, [STOPPED], 'and answered the one to STOPPED with 21610, once (no retry)')
    t.ok(
      sends.every((m) => m.body.endsWith(`Text UNSUB ${KEY} to stop.`)),
      'each with its last line',
    )
    t.same(await graveViolations(page), [], 'axe: the notification page')
  })

  await t.test('the overview counts the 21610 failure under its code, with what it means', async (t) => {
    await page.getByRole('link', { name: 'Overview', exact: true }).click()
    await page.waitForURL(`${base}/console`)
    t.equal(await page.title(), 'Overview · smsbot console')
    const failures = page.getByRole('region', { name: 'Failures by Twilio error code' })
    const row = failures.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '21610' }) })
    t.equal(await row.count(), 1, 'a row for 21610')
    const cells = await row.getByRole('cell').allTextContents()
    t.same(cells, ['1', twilioErrorMeaning(21610)], 'one failure, and what 21610 means')
    t.match(cells[1], /replied STOP/)
    t.equal(await row.getByRole('link', { name: '21610' }).getAttribute('href'), 'https://www.twilio.com/docs/api/errors/21610')
    t.same(await graveViolations(page), [], 'axe: the overview')
  })

  await t.test('the People page shows the phone opted out by Twilio; its consent CSV downloads', async (t) => {
    await page.getByRole('link', { name: 'People', exact: true }).click()
    await page.getByLabel('Phone number').fill(typed(STOPPED))
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.waitForURL(/\/console\/people\?phone=/)
    t.equal(await page.getByRole('heading', { name: `State: ${STOPPED}` }).count(), 1, 'the phone typed, read as E.164')
    const optedOut = page.locator('main dl dt', { hasText: 'Opted out' }).locator('xpath=following-sibling::dd[1]')
    t.equal(await optedOut.textContent(), consoleCopy.people.optedOut)
    const records = page.getByRole('region', { name: 'Consent record' }).locator('tbody tr')
    const lines = await records.evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '').slice(1)),
    )
    t.same(
      lines,
      [
        ['subscribe', 'sms', KEY, ''],
        ['opt_out', 'twilio', '', '21610'],
      ],
      'the consent record: the SMS subscription, then the opt-out from Twilio with its code',
    )
    t.same(await graveViolations(page), [], 'axe: the People page')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the consent record (CSV)' }).click(),
    ])
    t.equal(download.suggestedFilename(), `consent-${STOPPED.slice(1)}.csv`)
    const csv = readFileSync(await download.path(), 'utf8').split('\r\n')
    t.equal(csv[0], 'at,phone,action,source,topic,detail')
    t.match(csv[1], new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[^,]+,\\${STOPPED},subscribe,sms,${KEY},$`))
    t.match(csv[2], new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[^,]+,\\${STOPPED},opt_out,twilio,,21610$`), 'the twilio opt-out line')
    t.same(csv.slice(3), [''], 'two lines, each ended by CRLF')
  })

  await t.test('keywords: one added through the form, listed, then removed', async (t) => {
    await page.getByRole('link', { name: 'Keywords', exact: true }).click()
    await page.getByRole('textbox', { name: /^Keyword/ }).fill('hours')
    await page.getByRole('textbox', { name: /^Reply/ }).fill('Office hours: Tuesdays 2 to 4 in WVH 308.')
    await page.getByRole('button', { name: 'Save keyword' }).click()
    await page.waitForURL(/\/console\/keywords\?done=saved&word=HOURS$/)
    t.equal(await page.getByRole('status').textContent(), 'Saved HOURS: its reply takes 1 SMS segment.')
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'HOURS', exact: true }) })
    t.equal(await row.getByRole('cell').first().textContent(), 'Office hours: Tuesdays 2 to 4 in WVH 308.', 'listed with its reply')

    await row.getByRole('button', { name: 'Remove HOURS' }).click()
    await page.waitForURL(/\/console\/keywords\?done=removed&word=HOURS$/)
    t.equal(await page.getByRole('status').textContent(), consoleCopy.keywords.removed('HOURS'))
    t.equal(await page.getByRole('rowheader', { name: 'HOURS', exact: true }).count(), 0, 'gone from the list')
    t.equal(await page.getByText('No keyword yet.').count(), 1)
  })

  await t.test('someone signed in whose phone is not in OPERATOR_PHONES gets 403', async (t) => {
    const other = await browser.newContext({ viewport: { width: 1000, height: 700 } })
    const outsider = await other.newPage()
    await signIn(outsider, base, mock, NOT_OPERATOR)
    const response = await outsider.goto(`${base}/console`)
    t.equal(response?.status(), 403)
    t.equal(await outsider.title(), `${consoleCopy.forbiddenTitle} · smsbot console`)
    t.match(await outsider.locator('main').textContent(), consoleCopy.forbidden)
    t.equal(await outsider.getByRole('link', { name: 'Compose' }).count(), 0, 'no console nav')
    const compose = await outsider.goto(`${base}/console/compose`)
    t.equal(compose?.status(), 403, 'nor any other console page')
    await other.close()
  })

  await t.test('375 px wide: compose and the confirmation never scroll sideways', async (t) => {
    const narrow = await context.newPage()
    await narrow.setViewportSize({ width: 375, height: 812 })
    await narrow.goto(`${base}/console/compose`)
    const width = () => narrow.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }))
    let widths = await width()
    t.ok(widths.page <= widths.view, `compose: ${widths.page} px of content in ${widths.view} px`)
    await narrow.getByLabel('Text').fill('A narrow check.')
    await narrow.getByRole('button', { name: 'Review and confirm' }).click()
    await narrow.locator('#total').waitFor()
    widths = await width()
    t.ok(widths.page <= widths.view, `confirmation: ${widths.page} px of content in ${widths.view} px`)
    await narrow.goto(`${base}/console/notifications`)
    widths = await width()
    t.ok(widths.page <= widths.view, `notifications: ${widths.page} px of content in ${widths.view} px`)
    await narrow.close()
  })

  await t.test('keyboard only: Tab to the fields, type, Enter to submit, confirm', async (t) => {
    const keys = await context.newPage()
    await keys.goto(`${base}/console/compose`)
    let steps = 0
    while ((await focusedId(keys)) !== 'topic' && steps < 30) {
      await keys.keyboard.press('Tab')
      steps += 1
    }
    t.equal(await focusedId(keys), 'topic', `Tab reaches the topic (${steps} presses)`)
    await keys.keyboard.press('Tab')
    t.equal(await focusedId(keys), 'body', 'then the text')
    await keys.keyboard.type('Quiz moved to Friday.')
    await keys.locator('#count-characters').filter({ hasText: '21 of 1,600' }).waitFor()
    for (const next of ['sendAt', 'expiresAt']) {
      while ((await focusedId(keys)) !== next && steps < 60) {
        await keys.keyboard.press('Tab')
        steps += 1
      }
      t.equal(await focusedId(keys), next, `Tab reaches ${next}`)
    }
    while ((await focusedId(keys)) !== 'Review and confirm' && steps < 90) {
      await keys.keyboard.press('Tab')
      steps += 1
    }
    t.equal(await focusedId(keys), 'Review and confirm')
    await keys.keyboard.press('Enter')
    await keys.locator('#total').waitFor()
    t.equal(await keys.locator('#total').textContent(), '5 recipients × 1 segment = 5 segments', 'STOPPED, opted out, is left out')
    while ((await focusedId(keys)) !== 'Publish' && steps < 120) {
      await keys.keyboard.press('Tab')
      steps += 1
    }
    t.equal(await focusedId(keys), 'Publish')
    await keys.keyboard.press('Enter')
    await keys.waitForURL(/\/console\/notifications\/\d+\?published=1$/)
    await keys.locator('#progress-state').filter({ hasText: 'Done' }).waitFor({ timeout: 20_000 })
    t.equal(sendsOf('Quiz moved').length, 5)
    t.same(refused, [STOPPED], 'nothing more was tried for STOPPED')
    await keys.close()
  })
})
