// The console through inject on SQLite and PostgreSQL: who gets in (404 off, sign-in, 403, operators), each page, CSRF.
import { sign } from '@fastify/cookie'
import t from 'tap'
import { createSession, profileForUser } from '../../src/profiles/queries.js'
import { buildTestApp, DATABASES, SESSION_SECRET, type DatabaseKind, type RecordingSender, type TapT } from '../helpers.js'
import { Browser } from '../web/client.js'
import { signIn } from './sign-in.js'

const OPERATOR = '+16175550123'
const OPERATORS = { OPERATOR_PHONES: OPERATOR, OPERATOR_EMAILS: 'ops@example.org' }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" }

/** What a reader sees of a page: tags dropped, entities decoded, white space collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ENTITIES[name] as string)
    .replace(/\s+/g, ' ')
}

async function setup(t: TapT, database: DatabaseKind = 'sqlite', env: Record<string, string> = OPERATORS) {
  const test = await buildTestApp(t, { database, env: { ...env, ADMIN_TOKEN: 'test-admin-token-0123456789' } })
  const sender = test.sender as RecordingSender
  return { ...test, sender, operator: () => signIn(test.app, sender, '(617) 555-0123') }
}

t.test('with neither OPERATOR_PHONES nor OPERATOR_EMAILS the console is off: 404 naming both', async (t) => {
  const { app, sender } = await setup(t, 'sqlite', {})
  const browser = await signIn(app, sender, '(617) 555-0123')
  for (const url of ['/console', '/console/topics', '/console/nothing-here']) {
    const response = await browser.get(url)
    t.equal(response.statusCode, 404, url)
    t.match(response.headers['content-type'], /^text\/html/)
    t.match(textOf(response.body), /OPERATOR_PHONES.*OPERATOR_EMAILS/, 'the sentence names both variables')
  }
  const anonymous = await app.inject({ method: 'GET', url: '/console' })
  t.equal(anonymous.statusCode, 404, 'off for everyone, signed in or not')
})

t.test('without a session: 303 to the sign-in at /verify', async (t) => {
  const { app } = await setup(t)
  for (const url of ['/console', '/console/topics', '/console/nothing-here']) {
    const response = await app.inject({ method: 'GET', url })
    t.equal(response.statusCode, 303, url)
    t.equal(response.headers.location, '/verify')
  }
  const post = await app.inject({ method: 'POST', url: '/console/topics', payload: { key: 'X', title: 'Y' } })
  t.equal(post.statusCode, 303, 'a form post too, before its body is read')
})

t.test('signed in as someone who is not an operator: 403', async (t) => {
  const { app, sender, lines } = await setup(t)
  const browser = await signIn(app, sender, '(617) 555-0199')
  const response = await browser.get('/console')
  t.equal(response.statusCode, 403)
  t.match(textOf(response.body), /not as an operator/)
  t.notMatch(response.body, /<nav/, 'no nav for a non-operator')
  t.notOk(
    lines.some((line) => line.includes('6175550199')),
    'no full phone number in the log',
  )
})

for (const database of DATABASES) {
  t.test(`${database}: an operator by phone gets the console, its nav and who is signed in`, async (t) => {
    const { operator } = await setup(t, database)
    const browser = await operator()
    const response = await browser.get('/console')
    t.equal(response.statusCode, 200)
    t.match(response.headers['content-type'], /^text\/html/)
    t.equal(response.headers['cache-control'], 'no-store')
    t.match(response.body, /<html lang="en">/)
    t.match(response.body, /<a class="skip" href="#main">Skip to content<\/a>/)
    t.match(response.body, /<nav aria-label="Console">/)
    t.match(response.body, /<a href="\/console" aria-current="page">Overview<\/a>/)
    for (const href of ['topics', 'compose', 'notifications', 'keywords', 'people', 'inbound']) {
      t.match(response.body, `href="/console/${href}"`, `the nav links to ${href}`)
    }
    t.match(textOf(response.body), /Signed in as \+1\*{6}0123/, 'the operator, phone masked')
    t.notMatch(response.body, /6175550123/, 'never the full phone')
    const missing = await browser.get('/console/nothing-here')
    t.equal(missing.statusCode, 404)
    t.match(textOf(missing.body), /There is no such console page/)
  })
}

t.test('an operator by an e-mail the identity provider verified', async (t) => {
  const { app, db, clock } = await setup(t)
  const sessionFor = async (email: string | null, issuer: string) => {
    const profileId = await profileForUser(db, { issuer, subject: `sub-${email}`, email, name: null }, clock.now())
    const browser = new Browser(app)
    browser.cookies.set('smsbot_session', sign(await createSession(db, profileId, clock.now(), 1), SESSION_SECRET))
    return browser
  }
  const ops = await sessionFor('Ops@Example.org', 'https://id.example.org')
  const page = await ops.get('/console')
  t.equal(page.statusCode, 200)
  t.match(textOf(page.body), /Signed in as Ops@Example\.org/)
  const other = await sessionFor('someone@example.org', 'https://id.example.org')
  t.equal((await other.get('/console')).statusCode, 403, 'an e-mail not listed')

  // A profile with the listed e-mail but no issuer: the provider never vouched for it.
  await db
    .insertInto('profiles')
    .values({ id: 'unvouched', display_name: null, created_at: clock.now().toISOString(), email: 'ops@example.org' })
    .execute()
  const unvouched = new Browser(app)
  unvouched.cookies.set('smsbot_session', sign(await createSession(db, 'unvouched', clock.now(), 1), SESSION_SECRET))
  t.equal((await unvouched.get('/console')).statusCode, 403, 'an e-mail without an issuer counts for nothing')
})
