// The console in Debian's Chromium (playwright-core): axe-core on every page, 375 px wide, keyboard only, forms without JavaScript.
/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type Page } from 'playwright-core'
import t from 'tap'
import { claimDue, recordFailed, recordSent } from '../../src/notify/queries.js'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, text, type RecordingSender } from '../helpers.js'
import { OPERATORS, TEXTER } from './setup.js'
import { projectPath } from '../root.js'

const CHROMIUM = '/usr/bin/chromium'
const SHOTS = projectPath('test/screenshots/')

if (!existsSync(CHROMIUM)) {
  throw new Error(`No browser at ${CHROMIUM}: the browser test needs Debian's Chromium (apt-get install -y chromium; .ci/run does it).`)
}

/** The console pages this test covers, each with something on it. */
const PAGES = [
  '/console',
  '/console/topics',
  '/console/keywords',
  `/console/people?phone=${encodeURIComponent(TEXTER)}`,
  '/console/inbound',
]

const launch = () =>
  chromium.launch({
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

/** Verifies the operator's phone by the code flow, as a person would, in `page`. */
async function signIn(page: Page, base: string, sender: RecordingSender) {
  await page.goto(`${base}/verify`)
  await page.getByLabel('Mobile number').fill('(617) 555-0123')
  await page.getByRole('button', { name: 'Text me a code' }).click()
  await page.getByLabel('Code').waitFor()
  const code = /code is (\d+)/.exec(sender.sent.at(-1)?.body ?? '')?.[1] as string
  await page.getByLabel('Code').fill(code)
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByRole('status').waitFor()
}

/** The id (or the text) of the focused element. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || '')

t.test('the console in a browser: accessible, narrow, keyboard-only', async (t) => {
  const { app, db, clock, sender } = await buildTestApp(t, { env: { ...OPERATORS, ADMIN_TOKEN: 'test-admin-token-0123456789' } })
  const recorded = sender as RecordingSender
  // Something on every page: topics, a keyword, inbound messages, a consent record, a sent and a failed message.
  await saveTopic(db, 'CS2500-01', 'Fundamentals of Computer Science 1', clock.now())
  await saveTopic(db, 'MATH1341', 'Calculus 1 for Science and Engineering', clock.now())
  await text(app, 'SUB CS2500-01', { From: TEXTER })
  await text(app, 'SUB CS2500-01', { From: '+16175550102' })
  await text(app, 'LANG ES', { From: TEXTER })
  const published = await app.inject({
    method: 'POST',
    url: '/api/topics/CS2500-01/notifications',
    headers: { authorization: 'Bearer test-admin-token-0123456789' },
    payload: { body: 'A seat opened' },
  })
  t.equal(published.statusCode, 202)
  const [sent, failed] = await claimDue(db, clock.now(), 30_000, 10)
  if (sent === undefined || failed === undefined) throw new Error('two rows claimed')
  await recordSent(db, sent, 'SM00000000000000000000000000000001', clock.now())
  await recordFailed(db, failed, 30007, 'filtered', clock.now())
  await text(app, 'STOP', { From: TEXTER })

  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  mkdirSync(SHOTS, { recursive: true })
  const browser: Browser = await launch()
  t.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  await signIn(page, base, recorded)

  // Keywords are added on the page by keyboard below; one first, so its table is there for axe.
  await page.goto(`${base}/console/keywords`)
  await page.getByLabel('Keyword', { exact: false }).first().fill('HOURS')
  await page.getByLabel('Reply').fill('Open 9 to 5, Monday to Friday.')
  await page.getByRole('button', { name: 'Save keyword' }).click()
  await page.getByRole('status').waitFor()

  await t.test('axe-core: no serious or critical violation on any page', async (t) => {
    for (const path of [...PAGES, '/console/people?phone=12']) {
      await page.goto(`${base}${path}`)
      const results = await new AxeBuilder({ page }).analyze()
      const grave = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      t.same(
        grave.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        [],
        `${path}: ${results.passes.length} rules pass`,
      )
    }
  })

  await t.test('375 px wide: the page never scrolls sideways (wide tables scroll in their own box)', async (t) => {
    const narrow = await context.newPage()
    await narrow.setViewportSize({ width: 375, height: 812 })
    for (const path of PAGES) {
      await narrow.goto(`${base}${path}`)
      const widths = await narrow.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }))
      t.ok(widths.page <= widths.view, `${path}: ${widths.page} px of content in ${widths.view} px`)
      await narrow.screenshot({ path: `${SHOTS}console-${path.split(/[/?]/)[2] ?? 'overview'}.png`, fullPage: true })
    }
    await narrow.close()
  })

  await t.test('keyboard: the skip link first, then the nav, then the forms; a topic opened and closed by keyboard', async (t) => {
    await page.goto(`${base}/console/topics`)
    await page.keyboard.press('Tab')
    t.equal(await focused(page), 'Skip to content', 'the first Tab reaches the skip link')
    t.ok(await page.locator('.skip').evaluate((el) => el.getBoundingClientRect().top >= 0), 'and shows it')
    await page.keyboard.press('Enter')
    t.equal(await focused(page), 'main', 'the skip link moves focus to the content')

    await page.goto(`${base}/console/topics`)
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    t.equal(await focused(page), 'Overview', 'the next Tab reaches the nav')
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)
    t.not(outline, 'none', 'focus is visible')
    let steps = 0
    while ((await focused(page)) !== 'key' && steps < 30) {
      await page.keyboard.press('Tab')
      steps += 1
    }
    t.equal(await focused(page), 'key', `Tab reaches the form's first field (${steps} more presses)`)
    await page.keyboard.type('PHYS1151')
    await page.keyboard.press('Tab')
    t.equal(await focused(page), 'title')
    await page.keyboard.type('Physics 1')
    await page.keyboard.press('Enter')
    await page.getByRole('status').waitFor()
    t.equal(await page.getByRole('status').textContent(), 'Saved PHYS1151: it is open.')

    await page.getByRole('button', { name: 'Close PHYS1151' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('status').waitFor()
    t.match(await page.getByRole('status').textContent(), /^Closed PHYS1151\./)
    t.match(await db.selectFrom('topics').select(['key', 'closed_at']).where('key', '=', 'PHYS1151').executeTakeFirst(), {
      key: 'PHYS1151',
      closed_at: String,
    })
  })

  await t.test('without JavaScript: every form still works', async (t) => {
    // The operator's session, without JavaScript (a second code this soon would wait for the resend cooldown).
    const noScript = await browser.newContext({ javaScriptEnabled: false })
    await noScript.addCookies(await context.cookies())
    const plain = await noScript.newPage()
    await plain.goto(`${base}/console/keywords`)
    await plain.getByLabel('Keyword', { exact: false }).first().fill('WIFI')
    await plain.getByLabel('Reply').fill('The network is smsbot-guest.')
    await plain.getByRole('button', { name: 'Save keyword' }).click()
    await plain.waitForURL(/done=saved/)
    t.match(await plain.getByRole('status').textContent(), /Saved WIFI/)
    await plain.goto(`${base}/console/people`)
    await plain.getByLabel('Phone number').fill('(617) 555-0101')
    await plain.getByRole('button', { name: 'Look up' }).click()
    await plain.waitForURL(/phone=/)
    t.match(await plain.locator('main dl').textContent(), /Opted out\s*Yes/)
    await noScript.close()
  })
})
