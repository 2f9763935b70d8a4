// Refused sign-ins against a real provider (SPEC §12): each answers 4xx with a plain sentence and leaves no session.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { localPath } from '../../src/auth/routes.js'
import type { Db } from '../../src/database.js'
import { buildTestApp, DATABASES, type DatabaseKind, type TapT } from '../helpers.js'
import { freePort } from '../ports.js'
import { authorize, CLIENT, OTHER_CLIENT, startProvider, type TestProvider } from './provider.js'

const PUBLIC_URL = 'http://smsbot.test'
const CALLBACK = `${PUBLIC_URL}/auth/callback`
const REFUSED = 'This sign-in could not be completed: it expired, was already used, or was not started in this browser. Start again.'
const UNREACHABLE = 'We could not reach Test IdP just now. Try again in a few minutes.'

async function setUp(t: TapT, database?: DatabaseKind) {
  const provider = await startProvider(t, PUBLIC_URL)
  const test = await buildTestApp(t, { env: provider.env, database })
  return { provider, ...test }
}

/** GET /auth/login as a browser: the state cookie it sets ("name=value") and the provider's URL it sends the browser to. */
async function startLogin(app: FastifyInstance, query = '') {
  const response = await app.inject({ method: 'GET', url: `/auth/login${query}` })
  if (response.statusCode !== 303) throw new Error(`GET /auth/login answered ${response.statusCode}: ${response.body}`)
  const cookie = response.cookies.find((c) => c.name === 'smsbot_oidc')
  if (cookie === undefined) throw new Error('no state cookie')
  const url = new URL(response.headers.location as string)
  return { cookie: `smsbot_oidc=${cookie.value}`, url, state: url.searchParams.get('state') as string }
}

/** The provider's URL of a started sign-in, asked for another client: the code it gives back is not smsbot's. */
function asOtherClient(url: URL): string {
  const other = new URL(url)
  other.searchParams.set('client_id', OTHER_CLIENT.id)
  return other.href
}

const callback = (app: FastifyInstance, url: URL, cookie?: string) =>
  app.inject({ method: 'GET', url: `/auth/callback${url.search}`, headers: cookie === undefined ? {} : { cookie } })

const sessions = async (db: Db) => Number((await db.selectFrom('sessions').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

/** What a reader sees: tags dropped, white space collapsed. */
const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')

function refused(t: TapT, response: LightMyRequestResponse, sentence: string) {
  t.equal(response.statusCode, 400, 'a 4xx')
  t.match(textOf(response.body), sentence, 'a plain sentence')
  t.notOk(
    response.cookies.some((c) => c.name === 'smsbot_session' && c.value !== ''),
    'no session cookie',
  )
}

t.test('a sign-in that goes through: a profile of that issuer and subject, and a session', async (t) => {
  const { app, db, provider, lines } = await setUp(t)
  const login = await startLogin(app)
  t.equal(login.url.origin, provider.issuer)
  t.equal(login.url.searchParams.get('code_challenge_method'), 'S256')
  t.equal(login.url.searchParams.get('redirect_uri'), CALLBACK)
  t.ok(login.url.searchParams.get('nonce'), 'a nonce')
  const back = await authorize(login.url.href, 'ada', CALLBACK)
  const done = await callback(app, back, login.cookie)
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, '/verify', 'no phone yet: on to verify one')
  t.ok(
    done.cookies.some((c) => c.name === 'smsbot_session' && c.value !== ''),
    'a session cookie',
  )
  const profile = await db.selectFrom('profiles').selectAll().executeTakeFirstOrThrow()
  t.match(profile, { issuer: provider.issuer, subject: 'ada', email: 'ada@example.edu', display_name: 'User ada' })
  t.equal(await sessions(db), 1)
  t.notMatch(lines.join(''), /ada@example\.edu|id_token|access_token/, 'no e-mail or token in the log')
  t.notMatch(lines.join(''), new RegExp(back.searchParams.get('code') as string), 'no code in the log')
})

t.test("a callback whose state is not the browser's own", async (t) => {
  const { app, db } = await setUp(t)
  const mine = await startLogin(app)
  const theirs = await startLogin(app)
  const back = await authorize(theirs.url.href, 'mallory', CALLBACK)
  refused(t, await callback(app, back, mine.cookie), REFUSED)
  refused(t, await callback(app, back), REFUSED)
  refused(t, await callback(app, back, `smsbot_oidc=${back.searchParams.get('state')}`), REFUSED)
  const forged = new URL(back)
  forged.searchParams.set('state', 'forged')
  refused(t, await callback(app, forged, mine.cookie), REFUSED)
  refused(t, await callback(app, new URL(`${CALLBACK}?code=abc`), mine.cookie), REFUSED)
  t.equal(await sessions(db), 0, 'no session')
  t.equal(
    (await callback(app, back, theirs.cookie)).statusCode,
    303,
    'the sign-in was not spent by the refusals: its own browser completes it',
  )
})

t.test('a replayed callback is refused: one sign-in, one session', async (t) => {
  const { app, db } = await setUp(t)
  const login = await startLogin(app)
  const back = await authorize(login.url.href, 'ada', CALLBACK)
  t.equal((await callback(app, back, login.cookie)).statusCode, 303)
  refused(t, await callback(app, back, login.cookie), REFUSED)
  t.equal(await sessions(db), 1)
})

t.test('an expired sign-in is refused', async (t) => {
  const { app, db, clock } = await setUp(t)
  const login = await startLogin(app)
  const back = await authorize(login.url.href, 'ada', CALLBACK)
  clock.advance(10 * 60_000 + 1)
  refused(t, await callback(app, back, login.cookie), REFUSED)
  t.equal(await sessions(db), 0)
})

t.test('the provider says no (error=access_denied)', async (t) => {
  const { app, db } = await setUp(t)
  const login = await startLogin(app)
  const back = new URL(`${CALLBACK}?error=access_denied&error_description=End-User+aborted&state=${login.state}`)
  refused(t, await callback(app, back, login.cookie), 'Test IdP did not sign you in. Start again if you want to.')
  t.equal(await sessions(db), 0)
})

t.test('a code issued to another client is refused', async (t) => {
  const { app, db, lines } = await setUp(t)
  const login = await startLogin(app)
  const back = await authorize(asOtherClient(login.url), 'ada', CALLBACK)
  refused(t, await callback(app, back, login.cookie), REFUSED)
  t.equal(await sessions(db), 0)
  t.match(lines.join(''), /invalid_grant/, 'the provider refused the code')
})

t.test('an ID token for another client is refused (the library checks its audience)', async (t) => {
  const { app, db, provider, lines } = await setUp(t)
  const login = await startLogin(app)
  // The other client's code for the same nonce, exchanged by the other client: a valid, signed ID token, for it.
  const back = await authorize(asOtherClient(login.url), 'ada', CALLBACK)
  const { code_verifier } = await db
    .selectFrom('oidc_logins')
    .select('code_verifier')
    .where('state', '=', login.state)
    .executeTakeFirstOrThrow()
  const token = await fetch(`${provider.issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') as string,
      redirect_uri: CALLBACK,
      code_verifier,
      client_id: OTHER_CLIENT.id,
      client_secret: OTHER_CLIENT.secret,
    }),
  })
  t.equal(token.status, 200)
  const body = await token.text()
  const idToken = (JSON.parse(body) as { id_token: string }).id_token
  const claims = JSON.parse(Buffer.from(idToken.split('.')[1] as string, 'base64url').toString()) as { aud: string; nonce: string }
  t.same([claims.aud, claims.nonce], [OTHER_CLIENT.id, login.url.searchParams.get('nonce')], 'signed for the other client, our nonce')
  provider.cannedToken({ status: 200, type: 'application/json', body })
  refused(t, await callback(app, back, login.cookie), REFUSED)
  t.equal(await sessions(db), 0)
  t.equal(await db.selectFrom('profiles').select('id').executeTakeFirst(), undefined, 'no profile')
  t.match(lines.join(''), /OAUTH_JWT_CLAIM_COMPARISON_FAILED/, 'refused by the audience check')
  t.notMatch(lines.join(''), idToken.slice(0, 40), 'no token in the log')
})

t.test('a token endpoint that answers garbage', async (t) => {
  const { app, db, provider } = await setUp(t)
  const login = await startLogin(app)
  const back = await authorize(login.url.href, 'ada', CALLBACK)
  provider.cannedToken({ status: 200, type: 'text/html', body: '<html>maintenance</html>' })
  refused(t, await callback(app, back, login.cookie), UNREACHABLE)
  t.equal(await sessions(db), 0)
})

t.test('a provider that is down, then up again', async (t) => {
  const port = await freePort()
  const env = {
    OIDC_ISSUER: `http://127.0.0.1:${port}`,
    OIDC_CLIENT_ID: CLIENT.id,
    OIDC_CLIENT_SECRET: CLIENT.secret,
    OIDC_NAME: 'Test IdP',
    PUBLIC_URL,
  }
  const { app, db } = await buildTestApp(t, { env })
  const down = await app.inject({ method: 'GET', url: '/auth/login' })
  refused(t, down, UNREACHABLE)
  t.notOk(
    down.cookies.some((c) => c.name === 'smsbot_oidc'),
    'no sign-in started',
  )
  t.equal(await db.selectFrom('oidc_logins').select('state').executeTakeFirst(), undefined)

  const provider: TestProvider = await startProvider(t, PUBLIC_URL, port)
  const login = await startLogin(app)
  t.equal(login.url.origin, provider.issuer, 'discovery is tried again at the next sign-in')
  const back = await authorize(login.url.href, 'ada', CALLBACK)
  await provider.stop()
  refused(t, await callback(app, back, login.cookie), UNREACHABLE)
  t.equal(await sessions(db), 0, 'down at the callback: no session either')
})

t.test('an https site: the provider must be https too, and one that cannot be reached is refused', async (t) => {
  const env = {
    OIDC_ISSUER: `https://127.0.0.1:${await freePort()}`,
    OIDC_CLIENT_ID: CLIENT.id,
    OIDC_CLIENT_SECRET: CLIENT.secret,
    OIDC_NAME: 'Test IdP',
    PUBLIC_URL: 'https://smsbot.test',
  }
  const { app, db } = await buildTestApp(t, { env })
  refused(t, await app.inject({ method: 'GET', url: '/auth/login' }), UNREACHABLE)
  t.equal(await sessions(db), 0)
})

t.test('the return address is a path on this site, or ignored', async (t) => {
  for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', '/\t/evil.example', 'evil', '', 'javascript:alert(1)']) {
    t.equal(localPath(bad), null, JSON.stringify(bad))
  }
  t.equal(localPath('/verify/link?t=abc.def'), '/verify/link?t=abc.def')
  t.equal(localPath('/me'), '/me')

  const { app, db } = await setUp(t)
  const login = await startLogin(app, `?return=${encodeURIComponent('https://evil.example')}`)
  const row = await db.selectFrom('oidc_logins').select('return_to').where('state', '=', login.state).executeTakeFirstOrThrow()
  t.equal(row.return_to, null, 'not stored')
  const done = await callback(app, await authorize(login.url.href, 'ada', CALLBACK), login.cookie)
  t.equal(done.headers.location, '/verify', 'not followed')

  const local = await startLogin(app, `?return=${encodeURIComponent('/verify/link?t=abc')}`)
  const kept = await callback(app, await authorize(local.url.href, 'ada', CALLBACK), local.cookie)
  t.equal(kept.headers.location, '/verify/link?t=abc', 'a path on this site is where the browser goes back to')
})

t.test('started sign-ins do not pile up: expired ones go as new ones start', async (t) => {
  const { app, db, clock } = await setUp(t)
  for (let i = 0; i < 5; i++) await startLogin(app)
  clock.advance(11 * 60_000)
  await startLogin(app)
  const rows = await db.selectFrom('oidc_logins').select('state').execute()
  t.equal(rows.length, 1, 'only the live one is left')
})

for (const database of DATABASES) {
  t.test(`two callbacks with the same state at once: exactly one signs in (${database})`, async (t) => {
    const { app, db } = await setUp(t, database)
    const login = await startLogin(app)
    const back = await authorize(login.url.href, 'ada', CALLBACK)
    const answers = await Promise.all([callback(app, back, login.cookie), callback(app, back, login.cookie)])
    t.same(answers.map((a) => a.statusCode).sort(), [303, 400])
    t.equal(await sessions(db), 1, 'one session')
  })
}
