// The pages' plumbing: security headers, signed cookies, CSRF, the page's language, the browser's session and the page renderer.
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import helmet from '@fastify/helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import { DEFAULT_LANGUAGE, fromAcceptLanguage, type Language } from '../language.js'
import { phoneLanguage, verifiedPhoneOf, type VerifiedPhone } from '../phones/queries.js'
import { findProfile, sessionProfile } from '../profiles/queries.js'
import { webCopy, type WebCopy } from '../copy/index.js'
import { renderPage, type Page } from './views.js'

/** The signed-in profile and its verified phone. */
export interface SignedIn {
  profileId: string
  displayName: string | null
  phone: VerifiedPhone
}

// Only the pages' context (see webSession) has these; a request elsewhere in the app never reads them.
declare module 'fastify' {
  interface FastifyRequest {
    /** The language of the page: the browser's (Accept-Language) until the phone is known, then the phone's choice. */
    language: Language
    /** The session id the browser's signed cookie carries, whether or not the session is still live. */
    sessionId(): string | undefined
    /** The profile of the browser's live session, if any. */
    sessionProfileId(): Promise<string | undefined>
    /**
     * The signed-in profile and its verified phone, when the session is live and the profile still has the phone; the
     * page then follows the phone's language.
     */
    signedIn(): Promise<SignedIn | undefined>
    /** The verified phone of the browser's live session, if any, without changing the page's language. */
    sessionPhone(): Promise<string | undefined>
    /** The phone is known (signed in, or its texted link opened): the page follows its LANG choice, if it made one. */
    followPhone(phone: string): Promise<void>
  }
  interface FastifyReply {
    /** Renders a page in the request's language, with a CSRF token for its forms. */
    page(name: Page, title: string, data: Record<string, unknown>, status?: number): FastifyReply
    /** Sets the session cookie of a new sign-in, with a fresh CSRF secret. */
    openSession(sessionId: string): void
    /** Clears the session cookie and the CSRF secret (log-out). */
    closeSession(): void
  }
}

export interface WebSessionOptions {
  db: Db
  clock: Clock
  /** Signs the cookies (SESSION_SECRET). */
  secret: string
  /** PUBLIC_URL is https: the cookies are Secure and named __Host-. */
  https: boolean
  sessionDays: number
}

/** The page's catalogue, in its language. */
export const copyOf = (request: FastifyRequest): WebCopy => webCopy[request.language]

/**
 * Sets the pages' plumbing up on `app` itself (called, not registered, like the Twilio webhook guard), so that its
 * hooks and decorators apply to the routes registered on `app` and in its children.
 */
export async function webSession(app: FastifyInstance, options: WebSessionOptions): Promise<void> {
  const { db, clock, https } = options
  // Secure from the effective protocol (behind a trusted proxy, X-Forwarded-Proto); __Host- when the origin is https.
  const secure = https ? true : 'auto'
  const SESSION_COOKIE = https ? '__Host-smsbot_session' : 'smsbot_session'
  const CSRF_COOKIE = https ? '__Host-smsbot_csrf' : '_csrf'

  await app.register(helmet)
  await app.register(cookie, { secret: options.secret })
  const cookieOpts = { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/' } as const
  await app.register(csrf, { sessionPlugin: '@fastify/cookie', cookieKey: CSRF_COOKIE, cookieOpts })

  // Pages speak the browser's language until they know the phone (SPEC §9).
  app.decorateRequest('language', DEFAULT_LANGUAGE)
  app.addHook('onRequest', async (request) => {
    request.language = fromAcceptLanguage(request.headers['accept-language'])
  })

  app.decorateRequest('followPhone', async function (this: FastifyRequest, phone: string) {
    this.language = (await phoneLanguage(db, phone)) ?? this.language
  })

  app.decorateRequest('sessionId', function (this: FastifyRequest) {
    const raw = this.cookies[SESSION_COOKIE]
    if (raw === undefined) return undefined
    const unsigned = this.unsignCookie(raw)
    return unsigned.valid && unsigned.value !== null ? unsigned.value : undefined
  })

  app.decorateRequest('sessionProfileId', async function (this: FastifyRequest) {
    const id = this.sessionId()
    return id === undefined ? undefined : sessionProfile(db, id, clock.now())
  })

  app.decorateRequest('signedIn', async function (this: FastifyRequest) {
    const profileId = await this.sessionProfileId()
    if (profileId === undefined) return undefined
    const [profile, phone] = await Promise.all([findProfile(db, profileId), verifiedPhoneOf(db, profileId)])
    if (profile === undefined || phone === undefined) return undefined
    await this.followPhone(phone.phone)
    return { profileId, displayName: profile.display_name, phone }
  })

  app.decorateRequest('sessionPhone', async function (this: FastifyRequest) {
    const profileId = await this.sessionProfileId()
    return profileId === undefined ? undefined : (await verifiedPhoneOf(db, profileId))?.phone
  })

  app.decorateReply('page', function (this: FastifyReply, name: Page, title: string, data: Record<string, unknown>, status = 200) {
    return this.code(status)
      .type('text/html; charset=utf-8')
      .header('content-language', this.request.language)
      .header('vary', 'Accept-Language')
      .send(renderPage(name, { title, copy: copyOf(this.request), csrf: this.generateCsrf(), ...data }))
  })

  // Cleared with the options they were set with: a browser ignores a __Host- cookie's deletion that is not Secure.
  /** Sign-in and log-out start a new CSRF secret: one planted before cannot be reused (the next page gets a new one). */
  function rotateCsrf(request: FastifyRequest, reply: FastifyReply) {
    delete request.cookies[CSRF_COOKIE]
    reply.clearCookie(CSRF_COOKIE, cookieOpts)
  }

  app.decorateReply('openSession', function (this: FastifyReply, sessionId: string) {
    rotateCsrf(this.request, this)
    this.setCookie(SESSION_COOKIE, sessionId, { ...cookieOpts, maxAge: options.sessionDays * 86_400 })
  })

  app.decorateReply('closeSession', function (this: FastifyReply) {
    this.clearCookie(SESSION_COOKIE, cookieOpts)
    rotateCsrf(this.request, this)
  })
}
