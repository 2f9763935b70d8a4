// The pages with OIDC configured (SPEC §12): sign in first, then the phone (by code or by S link) joins that profile.
import t from 'tap'
import { createLinkToken } from '../../src/verify/links.js'
import { buildTestApp, SESSION_SECRET, type RecordingSender, type TapT, type TestApp } from '../helpers.js'
import { Browser } from '../web/client.js'
import { authorize, startProvider, type TestProvider } from './provider.js'

const PUBLIC_URL = 'http://smsbot.test'
const CALLBACK = `${PUBLIC_URL}/auth/callback`
const PHONE = '+16175550123'

async function setUp(t: TapT): Promise<TestApp & { provider: TestProvider }> {
  const provider = await startProvider(t, PUBLIC_URL)
  return { provider, ...(await buildTestApp(t, { env: provider.env })) }
}

/** Follows the app's redirects through the provider (signed in as `login`) and back; returns where the app sends the browser. */
async function signInThrough(browser: Browser, start: string, login: string): Promise<string> {
  const started = await browser.get(start)
  if (started.statusCode !== 303) throw new Error(`${start} answered ${started.statusCode}`)
  const back = await authorize(started.headers.location as string, login, CALLBACK)
  const done = await browser.get(`${back.pathname}${back.search}`)
  if (done.statusCode !== 303) throw new Error(`the callback answered ${done.statusCode}: ${done.body}`)
  return done.headers.location as string
}

/** The profile a phone is linked to, with its identity. */
async function ownerOf(test: TestApp, phone: string) {
  return test.db
    .selectFrom('phones')
    .innerJoin('profiles', 'profiles.id', 'phones.profile_id')
    .select(['profiles.issuer', 'profiles.subject', 'profiles.email', 'phones.verified_at'])
    .where('phones.phone', '=', phone)
    .executeTakeFirst()
}

t.test('without a session, /verify offers the sign-in instead of the phone form', async (t) => {
  const { app } = await setUp(t)
  const page = await new Browser(app).get('/verify')
  t.equal(page.statusCode, 200)
  t.match(page.body, /<a class="button" href="\/auth\/login">Sign in with Test IdP<\/a>/)
  t.notMatch(page.body, /name="phone"/, 'no phone form')
  const es = await new Browser(app, 'es').get('/verify')
  t.match(es.body, /Iniciar sesión con Test IdP/, 'in the page’s language')
})

t.test('signed in with the provider: the code links the phone to that profile, and /me shows the e-mail', async (t) => {
  const test = await setUp(t)
  const browser = new Browser(test.app)
  t.equal(await signInThrough(browser, '/auth/login', 'ada'), '/verify', 'no phone yet: on to verify one')
  const form = await browser.get('/verify')
  t.match(form.body, /name="phone"/, 'the phone form, as without OIDC')
  t.match(form.body, /Signed in as ada@example\.edu\./)
  t.match(form.body, /action="\/logout"/, 'and a way to log out')
  t.equal((await browser.get('/me')).headers.location, '/verify', 'no phone yet: /me waits for one')

  t.equal((await browser.post('/verify', { phone: '(617) 555-0123', name: '' })).statusCode, 200)
  const code = /code is (\d{4})/.exec((test.sender as RecordingSender).sent.at(-1)?.body ?? '')?.[1] as string
  const done = await browser.post('/verify/code', { phone: PHONE, name: '', code })
  t.equal(done.statusCode, 200)
  t.match(await ownerOf(test, PHONE), { issuer: test.provider.issuer, subject: 'ada', email: 'ada@example.edu' })

  const me = await browser.get('/me')
  t.equal(me.statusCode, 200)
  t.match(me.body, /<dt>E-mail<\/dt><dd>ada@example\.edu<\/dd>/)
  t.match(me.body, /<dt>Name<\/dt><dd>User ada<\/dd>/, 'the name the provider gave stays (the name field was empty)')

  t.equal(await signInThrough(new Browser(test.app), '/auth/login', 'ada'), '/me', 'the next sign-in goes straight to the profile')
  const profiles = await test.db.selectFrom('profiles').select('id').execute()
  t.equal(profiles.length, 1, 'the same profile at each sign-in')
})

t.test('a provider that gives no e-mail and no name', async (t) => {
  const test = await setUp(t)
  const browser = new Browser(test.app)
  await signInThrough(browser, '/auth/login', 'anon-7')
  const profile = await test.db.selectFrom('profiles').selectAll().executeTakeFirstOrThrow()
  t.match(profile, { subject: 'anon-7', email: null, display_name: null })
  t.match((await browser.get('/verify')).body, /Signed in as anon-7\./, 'the subject, for want of anything else')
})

t.test('an e-mail the provider has not verified is not kept', async (t) => {
  const test = await setUp(t)
  await signInThrough(new Browser(test.app), '/auth/login', 'unverified-1')
  const profile = await test.db.selectFrom('profiles').selectAll().executeTakeFirstOrThrow()
  t.match(profile, { subject: 'unverified-1', email: null, display_name: 'User unverified-1' })
})

t.test('signing in again in the same browser replaces its session', async (t) => {
  const test = await setUp(t)
  const browser = new Browser(test.app)
  await signInThrough(browser, '/auth/login', 'ada')
  await signInThrough(browser, '/auth/login', 'ada')
  const rows = await test.db.selectFrom('sessions').select('revoked_at').orderBy('created_at').execute()
  t.equal(rows.length, 2)
  t.equal(rows.filter((r) => r.revoked_at === null).length, 1, 'the first one is revoked')
})

t.test('the forms refuse a browser whose session ended, with the same offer', async (t) => {
  const test = await setUp(t)
  const browser = new Browser(test.app)
  await signInThrough(browser, '/auth/login', 'ada')
  await browser.get('/verify')
  await test.db.updateTable('sessions').set({ revoked_at: test.clock.now().toISOString() }).execute()
  for (const path of ['/verify', '/verify/code']) {
    const refused = await browser.post(path, { phone: PHONE, name: '', code: '1234' })
    t.equal(refused.statusCode, 403, path)
    t.match(refused.body, /href="\/auth\/login">Sign in with Test IdP/)
  }
  t.same((test.sender as RecordingSender).sent, [], 'no code sent')
})

t.test('an S link waits through the sign-in, then joins that profile', async (t) => {
  const test = await setUp(t)
  const token = createLinkToken(SESSION_SECRET, PHONE, test.clock.now(), 900)
  const browser = new Browser(test.app)
  const opened = await browser.get(`/verify/link?t=${token}`)
  t.equal(opened.statusCode, 303)
  t.equal(opened.headers.location, `/auth/login?return=${encodeURIComponent(`/verify/link?t=${token}`)}`)
  t.equal(await signInThrough(browser, opened.headers.location as string, 'grace'), `/verify/link?t=${token}`, 'back to the link')
  const page = await browser.get(`/verify/link?t=${token}`)
  t.match(page.body, /You texted S from \+1\*{6}0123/)
  t.equal((await browser.post('/verify/link', { t: token })).statusCode, 200)
  t.match(await ownerOf(test, PHONE), { subject: 'grace', email: 'grace@example.edu' })
})

t.test('a link confirmed after the session ended is offered the sign-in, keeping the link', async (t) => {
  const test = await setUp(t)
  const token = createLinkToken(SESSION_SECRET, PHONE, test.clock.now(), 900)
  const browser = new Browser(test.app)
  await signInThrough(browser, '/auth/login', 'grace')
  await browser.get(`/verify/link?t=${token}`)
  await test.db.updateTable('sessions').set({ revoked_at: test.clock.now().toISOString() }).execute()
  const refused = await browser.post('/verify/link', { t: token })
  t.equal(refused.statusCode, 403)
  t.match(refused.body, `href="/auth/login?return=${encodeURIComponent(`/verify/link?t=${token}`)}"`)
  t.equal(await ownerOf(test, PHONE), undefined, 'nothing linked')
})

t.test('log-out ends the local session', async (t) => {
  const test = await setUp(t)
  const browser = new Browser(test.app)
  await signInThrough(browser, '/auth/login', 'ada')
  await browser.get('/verify')
  const out = await browser.post('/logout', {})
  t.equal(out.headers.location, '/verify')
  const session = await test.db.selectFrom('sessions').select('revoked_at').executeTakeFirstOrThrow()
  t.not(session.revoked_at, null, 'revoked in the database')
  t.match((await browser.get('/verify')).body, /Sign in with Test IdP/)
})

t.test('without OIDC there is no sign-in route', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'GET', url: '/auth/login' })).statusCode, 404)
  t.match((await app.inject({ method: 'GET', url: '/verify' })).body, /name="phone"/)
})
