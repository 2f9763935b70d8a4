// The browser pages, composed: the session plumbing, one error handler for every page, verification, the profile and sign-in.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CountryCode } from 'libphonenumber-js'
import { authRoutes } from '../auth/routes.js'
import type { Config, OidcConfig } from '../config.js'
import { consoleRoutes } from '../console/routes.js'
import { maskPhonesIn } from '../log.js'
import type { QuietWindow } from '../phones/settings.js'
import type { Program } from '../copy/index.js'
import type { VerifyContext } from '../verify/codes.js'
import { profileRoutes } from './profile-routes.js'
import { copyOf, webSession } from './session.js'
import { verifyRoutes } from './verify-routes.js'
import { renderPage } from './views.js'

/** What the pages need; both route plugins take the whole of it. */
export interface WebRoutesOptions {
  verify: VerifyContext
  allowedCountries: CountryCode[]
  defaultCountry: CountryCode
  maxSubscriptions: number
  sessionDays: number
  /** QUIET_HOURS (undefined when off) and DEFAULT_TIME_ZONE, to show what applies to a phone without its own settings. */
  quietHours: QuietWindow | undefined
  defaultTimeZone: string
  /** PROGRAM_NAME and SUPPORT_CONTACT: a phone's first subscription is confirmed by SMS with them, as by text. */
  program: Program
  /** Sign-in with the team's identity provider (OIDC_*), when configured: see src/auth/. */
  oidc?: OidcConfig | undefined
  /** OPERATOR_PHONES and OPERATOR_EMAILS: who may use /console (see src/console/). */
  operators?: Config['operators']
}

/**
 * A refused page request in a sentence of the page's language: a missing or forged CSRF token, or any other 4xx (a
 * field missing, too long or not one the form sends, a body the page cannot read). The validator's own words go to
 * the log, never to the page. A 5xx goes on to the app's handler, which hides it.
 */
function pageError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const copy = copyOf(request)
  const refused = (status: number, text: string) => {
    const page = renderPage('message', { title: copy.formExpiredTitle, text, link: copy.verifyTitle, copy })
    return reply.code(status).type('text/html; charset=utf-8').send(page)
  }
  if (error.code?.startsWith('FST_CSRF') === true) {
    request.log.warn({ code: error.code }, 'form refused: CSRF token missing or invalid')
    return refused(403, copy.formExpired)
  }
  const status = error.statusCode ?? 500
  if (status < 500) {
    request.log.info({ code: error.code, reason: maskPhonesIn(error.message) }, 'page request refused')
    return refused(status, copy.formRefused)
  }
  throw error
}

export async function webRoutes(app: FastifyInstance, options: WebRoutesOptions): Promise<void> {
  const { verify } = options
  const https = verify.publicUrl?.protocol === 'https:'
  await webSession(app, { db: verify.db, clock: verify.clock, secret: verify.secret, https, sessionDays: options.sessionDays })
  app.setErrorHandler(pageError)
  await app.register(verifyRoutes, options)
  await app.register(profileRoutes, options)
  await app.register(consoleRoutes, { ...options, prefix: '/console' })
  // Sign-in with the identity provider shares the pages' cookies, error handler and session (see auth/routes.ts).
  if (options.oidc !== undefined) {
    await app.register(authRoutes, { oidc: options.oidc, db: verify.db, clock: verify.clock, sessionDays: options.sessionDays, https })
  }
}
