// Sign-in with the team's identity provider: GET /auth/login sends the browser there, GET /auth/callback brings it back signed in.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../clock.js'
import type { OidcConfig } from '../config.js'
import { webCopy, type WebCopy } from '../copy/index.js'
import { serialize, type Db } from '../database.js'
import { verifiedPhoneOf } from '../phones/queries.js'
import { createSession, profileForUser, pruneSessions, revokeSession, type ProviderUser } from '../profiles/queries.js'
import { oidcClient, SignInError } from './oidc.js'
import { claimLogin, LOGIN_TTL_MS, startLogin } from './queries.js'

/*
 * Registered by web/routes.ts inside the pages' context, after its webSession: the cookies, the page renderer
 * (reply.page), the page's language and the session (request.sessionId, reply.openSession) are that plumbing's,
 * declared on Fastify's types in web/session.ts.
 */
export interface AuthRoutesOptions {
  oidc: OidcConfig
  db: Db
  clock: Clock
  sessionDays: number
  /** PUBLIC_URL is https: the state cookie is Secure and named __Host-. */
  https: boolean
}

/**
 * A path on this site, or null: one `/`, then not a second `/` or a `\` (a browser reads `//host` and `/\host` as
 * another site), and only printable ASCII (a browser drops tabs and line breaks, which could make `/<tab>/host`).
 */
export function localPath(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null
  return /^\/(?![/\\])[!-[\]-~]*$/.test(value) ? value : null
}

const LoginQuery = Type.Object({ return: Type.Optional(Type.String({ maxLength: 1000 })) })
// The provider adds its own parameters (iss, scope, session_state, error_description): all go to the library as sent.
const CallbackQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 500 })),
  code: Type.Optional(Type.String({ maxLength: 4000 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
})

export async function authRoutes(plain: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const { oidc, db, clock } = options
  const client = oidcClient(oidc)

  // The browser that started a sign-in holds its state, signed: a callback with another state is not this browser's.
  const STATE_COOKIE = options.https ? '__Host-smsbot_oidc' : 'smsbot_oidc'
  const cookieOpts = { signed: true, httpOnly: true, sameSite: 'lax', secure: options.https ? true : 'auto', path: '/' } as const

  function browserState(request: FastifyRequest): string | undefined {
    const raw = request.cookies[STATE_COOKIE]
    if (raw === undefined) return undefined
    const unsigned = request.unsignCookie(raw)
    return unsigned.valid && unsigned.value !== null ? unsigned.value : undefined
  }

  /** A refused sign-in: a plain sentence on the page (never the library's words), the reason in the log, no session. */
  function refuse(reply: FastifyReply, why: string, text: (copy: WebCopy) => string) {
    reply.request.log.info({ refusal: why }, 'sign-in refused')
    const copy = webCopy[reply.request.language]
    return reply.page('message', copy.signInFailedTitle, { text: text(copy), link: copy.signInAgain }, 400)
  }

  const failed = (reply: FastifyReply, failure: SignInError) =>
    refuse(reply, `${failure.reason}: ${failure.detail}`, (copy) =>
      failure.reason === 'unreachable' ? copy.signInUnavailable(oidc.name) : copy.signInRefused,
    )

  app.get('/auth/login', { schema: { querystring: LoginQuery } }, async (request, reply) => {
    const returnTo = localPath(request.query.return)
    if (request.query.return !== undefined && returnTo === null) request.log.info('sign-in: a return address off this site was ignored')
    const start = await client.start()
    if (start instanceof SignInError) return failed(reply, start)
    await startLogin(db, { state: start.state, nonce: start.nonce, codeVerifier: start.codeVerifier, returnTo }, clock.now())
    reply.setCookie(STATE_COOKIE, start.state, { ...cookieOpts, maxAge: LOGIN_TTL_MS / 1000 })
    return reply.redirect(start.url.href, 303)
  })

  /** The provider's user's profile (made at the first sign-in), and a fresh session replacing the browser's. */
  async function signIn(request: FastifyRequest, user: ProviderUser) {
    const now = clock.now()
    const previous = request.sessionId()
    return serialize(db, [`identity:${user.issuer} ${user.subject}`], async (trx) => {
      const profileId = await profileForUser(trx, user, now)
      if (previous !== undefined) await revokeSession(trx, previous, now)
      await pruneSessions(trx, now)
      return { profileId, sessionId: await createSession(trx, profileId, now, options.sessionDays) }
    })
  }

  app.get('/auth/callback', { schema: { querystring: CallbackQuery } }, async (request, reply) => {
    const { state, error } = request.query
    const expected = browserState(request)
    reply.clearCookie(STATE_COOKIE, cookieOpts)
    if (state === undefined || expected === undefined || state !== expected) {
      return refuse(reply, expected === undefined ? 'no sign-in started in this browser' : 'state mismatch', (copy) => copy.signInRefused)
    }
    // Claimed before the provider is asked anything: whatever follows, this state and its code cannot be used again.
    const login = await claimLogin(db, state, clock.now())
    if (login === undefined) return refuse(reply, 'replayed or expired', (copy) => copy.signInRefused)
    if (error !== undefined) return refuse(reply, `provider: ${error.slice(0, 60)}`, (copy) => copy.signInCancelled(oidc.name))
    const user = await client.finish(new URL(request.url, 'http://callback').search, login)
    if (user instanceof SignInError) return failed(reply, user)
    const { profileId, sessionId } = await signIn(request, user)
    reply.openSession(sessionId)
    request.log.info('signed in with the identity provider')
    const next = localPath(login.returnTo) ?? ((await verifiedPhoneOf(db, profileId)) === undefined ? '/verify' : '/me')
    return reply.redirect(next, 303)
  })
}
