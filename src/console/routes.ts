// The operator console under /console (SPEC §13): who may open it, the operator on each request, its pages.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CountryCode } from 'libphonenumber-js'
import type { Clock } from '../clock.js'
import { consoleCopy } from '../copy/index.js'
import type { Db } from '../database.js'
import { maskPhone, maskPhonesIn } from '../log.js'
import type { ReadDeps } from '../operators/deps.js'
import type { QuietWindow } from '../phones/settings.js'
import { verifiedPhoneOf } from '../phones/queries.js'
import { findProfile } from '../profiles/queries.js'
import { reservedAs } from '../sms/parse.js'
import { consoleEnabled, operatorBy, type OperatorList } from './access.js'
import { assetRoutes } from './assets.js'
import { composeRoutes } from './compose.js'
import { inboundRoutes } from './inbound.js'
import { keywordRoutes } from './keywords.js'
import { notificationPages } from './notifications.js'
import { overviewRoutes } from './overview.js'
import { peopleRoutes } from './people.js'
import { topicRoutes } from './topics.js'
import { messageView, navOf, type Section, type View } from './views.js'

/**
 * What the console needs of the pages' options (web/routes.ts passes its own, which have these and more): the
 * database and clock, who the operators are, and how phones are read.
 */
export interface ConsoleOptions {
  verify: { db: Db; clock: Clock }
  operators?: OperatorList | undefined
  defaultCountry: CountryCode
  allowedCountries: CountryCode[]
  /** QUIET_HOURS (undefined when off) and DEFAULT_TIME_ZONE: Compose forecasts quiet hours as the dispatcher applies them. */
  quietHours: QuietWindow | undefined
  defaultTimeZone: string
}

/** What each console page plugin is given: the operator actions' dependencies, and how phones are read. */
export interface ConsoleContext {
  deps: ReadDeps
  defaultCountry: CountryCode
  allowedCountries: CountryCode[]
  quietHours: QuietWindow | undefined
  defaultTimeZone: string
}

/** The operator signed in to the console: the pages show who, never a full phone number. */
export interface ConsoleOperator {
  profileId: string
  /** The verified phone, masked (+1******0123); null when the profile has none. */
  phone: string | null
  /** The e-mail the identity provider vouched for; null for a profile that did not sign in with it. */
  email: string | null
  /** How the profile qualified: OPERATOR_PHONES or OPERATOR_EMAILS. */
  by: 'phone' | 'email'
  /** How the pages name the operator: the e-mail, else the masked phone. */
  name: string
}

/** A console page as the reply renders it: its section in the nav (none for a refusal) and its HTTP status. */
export interface ConsolePageOptions {
  section?: Section
  status?: number
}

// Only the console's context has these (see consoleRoutes).
declare module 'fastify' {
  interface FastifyRequest {
    /** The operator of a console request; null until the console's hook has let the request in. */
    operator: ConsoleOperator | null
  }
  interface FastifyReply {
    /** Renders a console page in the console's layout, with a fresh CSRF token for its forms; never cached. */
    consolePage(view: View, title: string, data?: Record<string, unknown>, options?: ConsolePageOptions): FastifyReply
  }
}

/** The operator behind the request's session, or why there is none. */
async function operatorOf(
  request: FastifyRequest,
  db: Db,
  list: OperatorList,
): Promise<{ kind: 'signedOut' } | { kind: 'notOperator'; profileId: string } | { kind: 'operator'; operator: ConsoleOperator }> {
  const profileId = await request.sessionProfileId()
  if (profileId === undefined) return { kind: 'signedOut' }
  const [profile, verified] = await Promise.all([findProfile(db, profileId), verifiedPhoneOf(db, profileId)])
  if (profile === undefined) return { kind: 'signedOut' }
  const by = operatorBy({ phone: verified?.phone, email: profile.email, issuer: profile.issuer }, list)
  if (by === undefined) return { kind: 'notOperator', profileId }
  const phone = verified === undefined ? null : maskPhone(verified.phone)
  const email = profile.issuer === null ? null : profile.email
  return { kind: 'operator', operator: { profileId, phone, email, by, name: email ?? phone ?? profileId } }
}

/**
 * A refused console request, in the console's look: a missing or forged CSRF token (403), any other 4xx (a field the
 * form does not send, too long). The validator's words go to the log, never to the page; a 5xx goes on to the
 * pages' handler, which hides it.
 */
function consoleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const refused = (status: number, text: string) =>
    reply.consolePage(messageView, consoleCopy.refusedTitle, { text, alert: true }, { status })
  if (error.code?.startsWith('FST_CSRF') === true) {
    request.log.warn({ code: error.code }, 'console form refused: CSRF token missing or invalid')
    return refused(403, consoleCopy.formExpired)
  }
  const status = error.statusCode ?? 500
  if (status < 500) {
    request.log.info({ code: error.code, reason: maskPhonesIn(error.message) }, 'console request refused')
    return refused(status, consoleCopy.formRefused)
  }
  throw error
}

/**
 * Registered by web/routes.ts under /console, so it shares the pages' session, cookies, CSRF and security headers.
 * One hook guards every console route (and its 404): off without OPERATOR_PHONES and OPERATOR_EMAILS, the sign-in
 * without a session, 403 for anyone who is not an operator.
 */
export async function consoleRoutes(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const { db, clock } = options.verify
  const list = options.operators
  const context: ConsoleContext = {
    deps: { db, clock, reservedAs },
    defaultCountry: options.defaultCountry,
    allowedCountries: options.allowedCountries,
    quietHours: options.quietHours,
    defaultTimeZone: options.defaultTimeZone,
  }

  app.decorateRequest('operator', null)
  app.decorateReply(
    'consolePage',
    function (this: FastifyReply, view: View, title: string, data: Record<string, unknown> = {}, options: ConsolePageOptions = {}) {
      const { operator } = this.request
      const nav = operator === null ? undefined : navOf(options.section)
      return this.code(options.status ?? 200)
        .type('text/html; charset=utf-8')
        .header('content-language', consoleCopy.lang)
        .header('cache-control', 'no-store')
        .send(view({ title, csrf: this.generateCsrf(), operator, nav, ...data }))
    },
  )

  app.addHook('onRequest', async (request, reply) => {
    if (!consoleEnabled(list)) return reply.consolePage(messageView, consoleCopy.offTitle, { text: consoleCopy.off }, { status: 404 })
    const found = await operatorOf(request, db, list)
    // People sign in as everywhere else: the code flow at /verify, or the identity provider from there.
    if (found.kind === 'signedOut') return reply.redirect('/verify', 303)
    if (found.kind === 'notOperator') {
      request.log.info({ profileId: found.profileId }, 'console refused: not an operator')
      return reply.consolePage(messageView, consoleCopy.forbiddenTitle, { text: consoleCopy.forbidden }, { status: 403 })
    }
    request.operator = found.operator
  })

  app.setErrorHandler(consoleError)
  app.setNotFoundHandler((_request, reply) =>
    reply.consolePage(messageView, consoleCopy.notFoundTitle, { text: consoleCopy.notFound }, { status: 404 }),
  )

  for (const pages of [overviewRoutes, topicRoutes, keywordRoutes, peopleRoutes, inboundRoutes]) await app.register(pages, context)
  for (const pages of [composeRoutes, notificationPages, assetRoutes]) await app.register(pages, context)
}
