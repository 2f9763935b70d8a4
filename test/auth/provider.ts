// A real OpenID Connect provider for the tests (oidc-provider on 127.0.0.1), its two clients, and a user agent for its pages.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import Provider, { type Account } from 'oidc-provider'
import type { TapT } from '../helpers.js'
import { freePort } from '../ports.js'

/** smsbot's client, and another application's at the same provider (for codes and ID tokens that are not ours). */
export const CLIENT = { id: 'smsbot', secret: 'smsbot-client-secret-0123456789abcdef0123' }
export const OTHER_CLIENT = { id: 'other-app', secret: 'other-app-client-secret-0123456789abcdef' }

/**
 * The claims of a login name: the account id is the subject, with an e-mail and a name; an `anon…` login has neither,
 * and an `unverified…` login's e-mail is not verified.
 */
export function userOf(login: string): Record<string, unknown> {
  if (login.startsWith('anon')) return { sub: login, name: '' }
  return { sub: login, email: `${login}@example.edu`, email_verified: !login.startsWith('unverified'), name: `User ${login}` }
}

/** What the token endpoint answers next instead of the provider: to hand the client an ID token that is not its own, or garbage. */
export interface CannedToken {
  status: number
  type: string
  body: string
}

export interface TestProvider {
  issuer: string
  /** The OIDC_* settings that point smsbot at this provider, as CLIENT. */
  env: Record<string, string>
  /** Makes the next POST /token answer this instead of the provider. */
  cannedToken(answer: CannedToken): void
  /** Stops it early (a provider that goes down). */
  stop(): Promise<void>
}

/**
 * Starts a provider whose clients may redirect to `publicUrl`/auth/callback; it stops with the test. devInteractions
 * are its own login page (any name, any password: the name is the account) and consent page. PKCE is required.
 */
export async function startProvider(t: TapT, publicUrl: string, port?: number): Promise<TestProvider> {
  port ??= await freePort()
  const issuer = `http://127.0.0.1:${port}`
  const redirectUri = `${publicUrl.replace(/\/$/, '')}/auth/callback`
  const client = (c: { id: string; secret: string }) => ({
    client_id: c.id,
    client_secret: c.secret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  })
  const provider = new Provider(issuer, {
    clients: [client(CLIENT), client(OTHER_CLIENT)],
    findAccount: async (_ctx: unknown, sub: string): Promise<Account> => ({ accountId: sub, claims: async () => userOf(sub) }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The scopes' claims in the ID token itself (real providers do the same for the code flow): smsbot reads only it.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['test-provider-cookie-key-0123456789abcdef'] },
    // Lifetimes said outright, so the provider does not print a notice for each default it uses.
    ttl: { AccessToken: 3600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 3600, Session: 3600 },
  })
  let canned: CannedToken | undefined
  const handle = provider.callback()
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (canned !== undefined && request.method === 'POST' && request.url?.startsWith('/token') === true) {
      const answer = canned
      canned = undefined
      request.resume()
      response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body)
      return
    }
    handle(request, response)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const stop = async () => {
    if (!server.listening) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }
  t.teardown(stop)
  return {
    issuer,
    env: {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: CLIENT.id,
      OIDC_CLIENT_SECRET: CLIENT.secret,
      OIDC_NAME: 'Test IdP',
      PUBLIC_URL: publicUrl,
    },
    cannedToken: (answer) => {
      canned = answer
    },
    stop,
  }
}

/** The HTML attribute value as the browser reads it (the provider escapes its URLs). */
const unescape = (value: string) =>
  value.replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))).replace(/&amp;/g, '&')

/**
 * Walks the provider's pages as a person would, from an authorization URL: signs in as `login`, consents, and returns
 * the URL the provider sends the browser back to (the callback with `code`, `state` and `iss`, or `error`).
 */
export async function authorize(authorizationUrl: string, login: string, callbackPrefix: string): Promise<URL> {
  const jar = new Map<string, string>()
  let url = authorizationUrl
  let form: URLSearchParams | undefined
  for (let step = 0; step < 12; step++) {
    if (url.startsWith(callbackPrefix)) return new URL(url)
    const response = await fetch(url, {
      method: form === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      body: form,
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(';')[0] ?? ''
      const name = pair.slice(0, pair.indexOf('='))
      const value = pair.slice(pair.indexOf('=') + 1)
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header)) jar.delete(name)
      else jar.set(name, value)
    }
    const location = response.headers.get('location')
    if (location !== null) {
      url = new URL(location, url).href
      form = undefined
      continue
    }
    const html = await response.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1]
    if (action === undefined || prompt === undefined)
      throw new Error(`the provider answered ${response.status} without a form: ${html.slice(0, 300)}`)
    url = new URL(unescape(action), url).href
    form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt })
  }
  throw new Error('the provider never sent the browser back')
}
