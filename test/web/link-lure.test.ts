// An S link opened in a browser signed in as another phone (issue 18, item 13; SPEC §11): the page names both
// phones, masked, and nothing changes until the person chooses to stay or to switch.
import t from 'tap'
import { setLanguage } from '../../src/phones/queries.js'
import { createLinkToken } from '../../src/verify/links.js'
import { buildTestApp, DATABASES, SESSION_SECRET, type TapT, type TestApp } from '../helpers.js'
import { Browser } from './client.js'

const A = '+16175551111'
const B = '+16175552222'
const A_MASKED = '+1******1111'
const B_MASKED = '+1******2222'

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" }

/** What a reader sees of a page: tags dropped, entities decoded, white space collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ENTITIES[name] as string)
    .replace(/\s+/g, ' ')
}

/** The ten digits of a number after its country code: found in any spelling that keeps them together. */
const national = (phone: string) => phone.slice(2)

/** A fresh S link for a phone, as the SMS route makes it (15 minutes). */
function linkFor(test: TestApp, phone: string): { url: string; token: string } {
  const token = createLinkToken(SESSION_SECRET, phone, test.clock.now(), 900)
  return { url: `/verify/link?t=${token}`, token }
}

/** A browser signed in as `phone` through its own S link (no session before: as today). */
async function signedInAs(test: TestApp, phone: string, acceptLanguage?: string): Promise<Browser> {
  const browser = new Browser(test.app, acceptLanguage)
  const { url, token } = linkFor(test, phone)
  await browser.get(url)
  const done = await browser.post('/verify/link', { t: token })
  if (done.statusCode !== 200) throw new Error(`signing in as the test phone answered ${done.statusCode}`)
  return browser
}

async function phoneRow(test: TestApp, phone: string) {
  return test.db.selectFrom('phones').select(['profile_id', 'verified_at']).where('phone', '=', phone).executeTakeFirst()
}

async function claimed(test: TestApp) {
  return (await test.db.selectFrom('signin_links').select('phone').execute()).map((r) => r.phone)
}

/** The profile page as the browser sees it now: which masked phone it shows. */
async function profilePhone(browser: Browser): Promise<string | undefined> {
  const me = await browser.get('/me')
  if (me.statusCode !== 200) return undefined
  return /<dd>(\+1\*{6}\d{4})<\/dd>/.exec(me.body)?.[1]
}

for (const database of DATABASES) {
  t.test(`${database}: signed in as one phone, another phone's link changes nothing until the person chooses`, async (t: TapT) => {
    const test = await buildTestApp(t, { database })
    const browser = await signedInAs(test, A)
    const before = await phoneRow(test, A)
    const session = browser.cookies.get('smsbot_session')
    t.equal(await profilePhone(browser), A_MASKED)
    const { url, token } = linkFor(test, B)

    const page = await browser.get(url)
    t.equal(page.statusCode, 200)
    t.match(page.body, /<title>Signed in as another phone · smsbot<\/title>/)
    t.match(page.body, /<h1>Signed in as another phone<\/h1>/)
    const seen = textOf(page.body)
    t.match(seen, `This browser is signed in as ${A_MASKED}. This link is for ${B_MASKED}. Nothing changes until you choose.`)
    t.match(seen, `If someone else sent you this link, stay signed in as ${A_MASKED}.`)
    t.match(page.body, new RegExp(`name="choice" value="stay">\\s*<button type="submit">Stay signed in as \\+1\\*{6}1111</button>`))
    t.match(
      page.body,
      new RegExp(`name="choice" value="switch">\\s*<button type="submit" class="secondary">Sign in as \\+1\\*{6}2222 instead</button>`),
    )
    t.equal(
      (page.body.match(/<form method="post" action="\/verify\/link">\s*<input type="hidden" name="_csrf" value="[^"]+">/g) ?? []).length,
      2,
      'both choices are CSRF-protected forms',
    )
    t.notOk(page.body.includes(national(A)), "the signed-in phone's number is nowhere in the page")
    t.notOk(page.body.split(token).join('').includes(national(B)), "the link's number is in the page only inside the token it carries back")
    t.notOk(seen.includes(national(B)), "the link's number is not shown")
    t.notOk(page.body.includes('Verify this phone'), 'no one-press confirm')

    const unchanged = async (what: string) => {
      t.equal(browser.cookies.get('smsbot_session'), session, `${what}: the same session cookie`)
      t.equal(await profilePhone(browser), A_MASKED, `${what}: still signed in as the first phone`)
      t.same(await phoneRow(test, A), before, `${what}: the first phone still verified on its profile`)
      const b = await phoneRow(test, B)
      t.ok(b?.verified_at == null && b?.profile_id == null, `${what}: the link's phone neither verified nor linked`)
      t.same(await claimed(test), [A], `${what}: the link is not used up`)
    }
    await unchanged('opening the link')

    const plain = await browser.post('/verify/link', { t: token })
    t.equal(plain.statusCode, 409, 'the plain confirming form, without a choice, only asks')
    t.match(textOf(plain.body), `This browser is signed in as ${A_MASKED}. This link is for ${B_MASKED}.`)
    await unchanged('confirming without a choice')

    const stay = await browser.post('/verify/link', { t: token, choice: 'stay' })
    t.equal(stay.statusCode, 303)
    t.equal(stay.headers.location, '/me')
    await unchanged('staying')

    await browser.get(url)
    const forged = await browser.post('/verify/link', { t: token, choice: 'switch' }, false)
    t.equal(forged.statusCode, 403, 'switching without the CSRF token is refused')
    t.match(forged.body, /This form expired or was sent from another page/)
    await unchanged('switching without the CSRF token')

    await browser.get(url)
    const profileId = before?.profile_id
    const switched = await browser.post('/verify/link', { t: token, choice: 'switch' })
    t.equal(switched.statusCode, 200)
    t.match(textOf(switched.body), "You are now subscribed! Send 'H' for help on commands.")
    t.not(browser.cookies.get('smsbot_session'), session, 'a fresh session')
    t.equal(await profilePhone(browser), B_MASKED, "now signed in as the link's phone")
    t.match(
      await phoneRow(test, B),
      { profile_id: profileId, verified_at: String },
      "as today: the link's phone is verified and linked to this browser's profile",
    )
    t.match(
      await phoneRow(test, A),
      { profile_id: null, verified_at: null },
      'as today: the profile has one phone, so the first one left it',
    )
    t.same((await claimed(test)).sort(), [A, B].sort(), 'the link is used up')

    for (const line of test.lines) {
      t.notOk(line.includes(national(A)) || line.includes(national(B)), 'no full phone number in the log')
    }
    t.ok(
      test.lines.some(
        (line) =>
          line.includes('sign-in link opened while signed in as another phone') && line.includes(A_MASKED) && line.includes(B_MASKED),
      ),
      'the log says what happened, masked',
    )
  })
}

t.test('the same phone, or no session: the one-press confirm as today', async (t) => {
  const test = await buildTestApp(t)
  const browser = await signedInAs(test, A)
  const own = linkFor(test, A)
  const page = await browser.get(own.url)
  t.equal(page.statusCode, 200)
  t.match(page.body, /You texted S from \+1\*{6}1111\. Confirm to verify that phone and sign in here\./)
  t.match(page.body, /<button type="submit">Verify this phone<\/button>/)
  t.notOk(page.body.includes('name="choice"'))
  const done = await browser.post('/verify/link', { t: own.token })
  t.equal(done.statusCode, 200)
  t.match(done.body, /You are now subscribed!/)
  t.equal(await profilePhone(browser), A_MASKED)

  const stranger = new Browser(test.app)
  const other = linkFor(test, B)
  t.match((await stranger.get(other.url)).body, /You texted S from \+1\*{6}2222\./)
  t.equal((await stranger.post('/verify/link', { t: other.token })).statusCode, 200)
  t.equal(await profilePhone(stranger), B_MASKED)
})

t.test("a session whose profile has no verified phone left: the link's page as today", async (t) => {
  const test = await buildTestApp(t)
  const browser = await signedInAs(test, A)
  await test.db.updateTable('phones').set({ profile_id: null, verified_at: null }).where('phone', '=', A).execute()
  const { url, token } = linkFor(test, B)
  t.match((await browser.get(url)).body, /You texted S from \+1\*{6}2222\./)
  t.equal((await browser.post('/verify/link', { t: token })).statusCode, 200)
  t.equal(await profilePhone(browser), B_MASKED)
})

t.test('switching with a link that expired meanwhile: refused as today, nothing changes', async (t) => {
  const test = await buildTestApp(t)
  const browser = await signedInAs(test, A)
  const { url, token } = linkFor(test, B)
  await browser.get(url)
  test.clock.advance(16 * 60_000)
  const late = await browser.post('/verify/link', { t: token, choice: 'switch' })
  t.equal(late.statusCode, 410)
  t.match(late.body, /This link has expired/)
  t.equal(await profilePhone(browser), A_MASKED)
  const odd = await browser.post('/verify/link', { t: token, choice: 'both' })
  t.equal(odd.statusCode, 400, 'a choice that is neither is refused')
})

t.test('staying without a session just goes to /me, which asks to verify', async (t) => {
  const test = await buildTestApp(t)
  const browser = new Browser(test.app)
  const { url, token } = linkFor(test, B)
  await browser.get(url)
  const stay = await browser.post('/verify/link', { t: token, choice: 'stay' })
  t.equal(stay.statusCode, 303)
  t.equal(stay.headers.location, '/me')
  t.equal((await browser.get('/me')).headers.location, '/verify')
  t.same(await claimed(test), [])
})

t.test("in Spanish: the signed-in phone's LANG choice, or the browser's Accept-Language", async (t) => {
  const test = await buildTestApp(t)
  await setLanguage(test.db, A, 'es', test.clock.now())
  const byPhone = await signedInAs(test, A, 'en-US')
  const { url, token } = linkFor(test, B)
  const page = await byPhone.get(url)
  t.match(page.body, /<html lang="es">/)
  t.match(page.body, /<h1>Sesión iniciada con otro teléfono<\/h1>/)
  const seen = textOf(page.body)
  t.match(
    seen,
    `Este navegador tiene la sesión iniciada como ${A_MASKED}. Este enlace es para ${B_MASKED}. No cambia nada hasta que elijas.`,
  )
  t.match(seen, `Seguir con la sesión de ${A_MASKED}`)
  t.match(seen, `Iniciar sesión como ${B_MASKED}`)
  t.equal((await byPhone.post('/verify/link', { t: token })).statusCode, 409)
  t.equal(await profilePhone(byPhone), A_MASKED)

  const C = '+16175553333'
  const byBrowser = await signedInAs(test, C, 'es-MX,es;q=0.9')
  const other = await byBrowser.get(url)
  t.match(other.body, /<html lang="es">/)
  t.match(textOf(other.body), 'Este navegador tiene la sesión iniciada como +1******3333.')
  t.equal(other.headers['content-language'], 'es')
})
