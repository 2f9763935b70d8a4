// The browser pages: /verify (phone, then code), /me (profile and subscriptions), /logout.
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import helmet from '@fastify/helmet'
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { isIP } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CountryCode } from 'libphonenumber-js'
import { serialize } from '../database.js'
import { DEFAULT_LANGUAGE, fromAcceptLanguage, type Language } from '../language.js'
import { maskPhone } from '../log.js'
import { normalizePhone } from '../phones/normalize.js'
import { markWelcomedIfReachable, phoneLanguage, phoneLock, phoneSettings, setQuietHours, setTimeZone, unmarkWelcomed, verifiedPhoneOf, type VerifiedPhone } from '../phones/queries.js'
import { parseQuietHours, parseTimeZone, type QuietWindow } from '../phones/settings.js'
import { zonesOfNumber } from '../phones/zones.js'
import { findProfile, revokeSession, sessionProfile } from '../profiles/queries.js'
import { signInWithPhone } from '../profiles/sign-in.js'
import { smsCopy, type Program } from '../copy/index.js'
import { listOpenTopics, listSubscriptions, subscribe, unsubscribe } from '../topics/queries.js'
import { clientKey } from '../verify/client-key.js'
import { checkCode, sendCode, type VerifyContext } from '../verify/codes.js'
import { readLinkToken } from '../verify/links.js'
import { claimLink } from '../verify/queries.js'
import { webCopy, type WebCopy } from '../copy/index.js'
import { renderPage, type Page } from './views.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The language of the page: the browser's (Accept-Language) until the phone is known, then the phone's choice. */
    language: Language
  }
}

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
}

/**
 * The client the limits count: request.ip believes X-Forwarded-For only from TRUST_PROXY's proxies, and is checked
 * to be an address, so nothing unbounded is stored; an IPv6 client is counted by its /64 (see client-key.ts).
 */
export function clientAddress(request: FastifyRequest): string {
  if (isIP(request.ip) !== 0) return clientKey(request.ip)
  const socket = request.socket.remoteAddress ?? ''
  return isIP(socket) !== 0 ? clientKey(socket) : 'unknown'
}

const verifyForm = {
  body: Type.Object({
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    code: Type.Optional(Type.String({ maxLength: 40 })),
  }),
}

const settingsForm = {
  body: Type.Object({
    quiet: Type.Optional(Type.String({ maxLength: 40 })),
    zone: Type.Optional(Type.String({ maxLength: 60 })),
  }),
}

const subscriptionForm = {
  body: Type.Object({
    topic: Type.Optional(Type.String({ maxLength: 80 })),
    action: Type.Optional(Type.Union([Type.Literal('subscribe'), Type.Literal('unsubscribe')])),
  }),
}

interface SignedIn {
  profileId: string
  displayName: string | null
  phone: VerifiedPhone
}

export async function webRoutes(plain: FastifyInstance, options: WebRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const { verify } = options
  const { db, clock } = verify
  const https = verify.publicUrl?.protocol === 'https:'
  // Secure from the effective protocol (behind a trusted proxy, X-Forwarded-Proto); __Host- when the origin is https.
  const secure = https ? true : 'auto'
  const SESSION_COOKIE = https ? '__Host-smsbot_session' : 'smsbot_session'
  const CSRF_COOKIE = https ? '__Host-smsbot_csrf' : '_csrf'
  const ttlMinutes = Math.round(verify.otp.ttlSeconds / 60)

  await app.register(helmet)
  await app.register(cookie, { secret: verify.secret })
  await app.register(csrf, { sessionPlugin: '@fastify/cookie', cookieKey: CSRF_COOKIE, cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/' } })

  /** Sign-in and log-out start a new CSRF secret: one planted before cannot be reused (the next page gets a new one). */
  function rotateCsrf(request: FastifyRequest, reply: FastifyReply) {
    delete request.cookies[CSRF_COOKIE]
    reply.clearCookie(CSRF_COOKIE, { path: '/' })
  }

  /** Signs the browser in as the owner of `phone`, with a fresh session id and CSRF secret, and shows the success page. */
  async function signIn(request: FastifyRequest, reply: FastifyReply, phone: string, displayName: string | undefined, method: 'code' | 'link') {
    const current = sessionId(request)
    const session = await signInWithPhone(db, {
      phone,
      profileId: current === undefined ? undefined : await sessionProfile(db, current, clock.now()),
      sessionId: current,
      displayName,
      now: clock.now(),
      sessionDays: options.sessionDays,
      method,
    })
    rotateCsrf(request, reply)
    reply.setCookie(SESSION_COOKIE, session.sessionId, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: options.sessionDays * 86_400 })
    await followPhone(request, phone)
    return page(reply, 'success', copyOf(request).successTitle, {})
  }

  const page = (reply: FastifyReply, name: Page, title: string, data: Record<string, unknown>, status = 200) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('content-language', reply.request.language)
      .header('vary', 'Accept-Language')
      .send(renderPage(name, { title, copy: copyOf(reply.request), csrf: reply.generateCsrf(), ...data }))

  // Pages speak the browser's language until they know the phone (SPEC §9).
  app.decorateRequest('language', DEFAULT_LANGUAGE)
  app.addHook('onRequest', async (request) => {
    request.language = fromAcceptLanguage(request.headers['accept-language'])
  })
  const copyOf = (request: FastifyRequest): WebCopy => webCopy[request.language]
  /** The phone is known (signed in, or its texted link opened): its pages follow its LANG choice, if it made one. */
  async function followPhone(request: FastifyRequest, phone: string): Promise<void> {
    request.language = (await phoneLanguage(db, phone)) ?? request.language
  }

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const copy = copyOf(request)
    if (error.code?.startsWith('FST_CSRF') === true) {
      request.log.warn({ code: error.code }, 'form refused: CSRF token missing or invalid')
      return reply.code(403).type('text/html; charset=utf-8').send(renderPage('message', { title: copy.formExpiredTitle, text: copy.formExpired, link: copy.verifyTitle, copy }))
    }
    if ((error.statusCode ?? 500) < 500) {
      return reply.code(error.statusCode as number).type('text/html; charset=utf-8').send(renderPage('message', { title: copy.formExpiredTitle, text: error.message, link: copy.verifyTitle, copy }))
    }
    throw error
  })

  /** The session id the browser's signed cookie carries, whether or not the session is still live. */
  function sessionId(request: FastifyRequest): string | undefined {
    const raw = request.cookies[SESSION_COOKIE]
    if (raw === undefined) return undefined
    const unsigned = request.unsignCookie(raw)
    return unsigned.valid && unsigned.value !== null ? unsigned.value : undefined
  }

  /** The signed-in profile and its verified phone, when the session is live and the profile still has the phone. */
  async function signedIn(request: FastifyRequest): Promise<SignedIn | undefined> {
    const id = sessionId(request)
    const profileId = id === undefined ? undefined : await sessionProfile(db, id, clock.now())
    if (profileId === undefined) return undefined
    const [profile, phone] = await Promise.all([findProfile(db, profileId), verifiedPhoneOf(db, profileId)])
    if (profile === undefined || phone === undefined) return undefined
    await followPhone(request, phone.phone)
    return { profileId, displayName: profile.display_name, phone }
  }

  /** The verified phone of the browser's live session, if any, without changing the page's language. */
  async function sessionPhone(request: FastifyRequest): Promise<string | undefined> {
    const id = sessionId(request)
    const profileId = id === undefined ? undefined : await sessionProfile(db, id, clock.now())
    return profileId === undefined ? undefined : (await verifiedPhoneOf(db, profileId))?.phone
  }

  const verifyPage = (reply: FastifyReply, phone: string, name: string, errors: Record<string, string>, status = 200) =>
    page(reply, 'verify', copyOf(reply.request).verifyTitle, { phone, name, errors }, status)

  const codePage = (reply: FastifyReply, phone: string, name: string, codeValue: string, errors: Record<string, string>, status = 200) =>
    page(reply, 'code', copyOf(reply.request).codeTitle, { phone, name, code: codeValue, errors, intro: copyOf(reply.request).codeIntro(phone, ttlMinutes), length: verify.otp.length }, status)

  app.get('/verify', {
    schema: { querystring: Type.Object({ phone: Type.Optional(Type.String({ maxLength: 40 })) }) },
  }, async (request, reply) => verifyPage(reply, request.query.phone ?? '', '', {}))

  app.post('/verify', { schema: verifyForm, preValidation: app.csrfProtection }, async (request, reply) => {
    const copy = copyOf(request)
    const phoneInput = (request.body.phone ?? '').trim()
    const name = (request.body.name ?? '').trim()
    if (name.length > 60) return verifyPage(reply, phoneInput, name, { name: copy.errors.nameTooLong }, 422)
    const phone = normalizePhone(phoneInput, options.defaultCountry, options.allowedCountries)
    if (!phone.ok) {
      const error = phone.reason === 'invalid' ? copy.errors.phoneInvalid : phone.reason === 'notMobile' ? copy.errors.phoneNotMobile(phone.type) : copy.errors.phoneCountry(options.allowedCountries)
      return verifyPage(reply, phoneInput, name, { phone: error }, 422)
    }
    // The code is texted in the phone's language; the page stays in the browser's until the phone is proven.
    const result = await sendCode(verify, phone.phone, clientAddress(request), (await phoneLanguage(db, phone.phone)) ?? request.language)
    request.logFields = { codeSent: result.ok ? 'sent' : result.reason }
    request.log.info({ phone: maskPhone(phone.phone), outcome: request.logFields.codeSent }, 'verification code requested')
    if (result.ok) return codePage(reply, phone.phone, name, '', {})
    const error = copy.refusal(result)
    // A refused resend keeps the person on the code form, where their pending code still works.
    if (result.reason === 'cooldown') return codePage(reply, phone.phone, name, '', { code: error }, 429)
    return verifyPage(reply, phoneInput, name, { phone: error }, result.reason === 'sendFailed' ? 502 : 429)
  })

  app.post('/verify/code', { schema: verifyForm, preValidation: app.csrfProtection }, async (request, reply) => {
    const copy = copyOf(request)
    const name = (request.body.name ?? '').trim().slice(0, 60)
    const phone = normalizePhone(request.body.phone ?? '', options.defaultCountry, options.allowedCountries)
    if (!phone.ok) return verifyPage(reply, request.body.phone ?? '', name, { phone: copy.errors.phoneInvalid }, 422)
    const codeInput = (request.body.code ?? '').replace(/\s/g, '')
    if (!new RegExp(`^\\d{${verify.otp.length}}$`).test(codeInput)) {
      return codePage(reply, phone.phone, name, codeInput, { code: copy.errors.codeFormat(verify.otp.length) }, 422)
    }
    const decision = await checkCode(verify, phone.phone, codeInput, clientAddress(request))
    request.logFields = { codeChecked: decision.ok ? 'verified' : decision.reason }
    request.log.info({ phone: maskPhone(phone.phone), outcome: request.logFields.codeChecked }, 'verification code checked')
    if (!decision.ok) {
      return codePage(reply, phone.phone, name, codeInput, { code: copy.refusal(decision) }, decision.reason === 'locked' ? 429 : 422)
    }
    return signIn(request, reply, phone.phone, name === '' ? undefined : name, 'code')
  })

  // Texting S returns a one-time link: the carrier proved who sent the text, so opening it (and confirming, with
  // CSRF) verifies that phone even while code checks for it are locked.
  const LinkQuery = Type.Object({ t: Type.String({ maxLength: 120 }) })
  /** The confirming form; `choice` is sent only from the page shown to a browser signed in as another phone. */
  const LinkForm = Type.Object({ t: Type.String({ maxLength: 120 }), choice: Type.Optional(Type.Union([Type.Literal('stay'), Type.Literal('switch')])) })
  const linkProblem = (reply: FastifyReply, reason: 'invalid' | 'expired' | 'used') => {
    const copy = copyOf(reply.request)
    return page(reply, 'message', copy.linkTitle, { text: reason === 'invalid' ? copy.linkInvalid : reason === 'expired' ? copy.linkExpired : copy.linkUsed, link: copy.verifyTitle }, 410)
  }

  /**
   * Someone's link opened in a browser signed in as another phone may be a lure (it would move this profile to the
   * sender's phone), so the page names both, masked, and changes nothing until the person chooses. It speaks the
   * signed-in phone's language: the person at this browser is that phone's.
   */
  async function otherPhonePage(request: FastifyRequest, reply: FastifyReply, current: string, linked: string, token: string, status: number) {
    await followPhone(request, current)
    const copy = copyOf(request)
    request.log.info({ phone: maskPhone(linked), signedInAs: maskPhone(current) }, 'sign-in link opened while signed in as another phone')
    return page(reply, 'linkOther', copy.linkOtherTitle, {
      intro: copy.linkOtherIntro(current, linked),
      warning: copy.linkOtherWarning(current, linked),
      stay: copy.linkStayButton(current),
      switchTo: copy.linkSwitchButton(linked),
      token,
    }, status)
  }

  app.get('/verify/link', { schema: { querystring: LinkQuery } }, async (request, reply) => {
    const read = readLinkToken(verify.secret, request.query.t, clock.now())
    if (!read.ok) return linkProblem(reply, read.reason)
    const current = await sessionPhone(request)
    if (current !== undefined && current !== read.link.phone) return otherPhonePage(request, reply, current, read.link.phone, request.query.t, 200)
    await followPhone(request, read.link.phone)
    const copy = copyOf(request)
    return page(reply, 'link', copy.linkTitle, { intro: copy.linkIntro(read.link.phone), token: request.query.t })
  })

  app.post('/verify/link', { schema: { body: LinkForm }, preValidation: app.csrfProtection }, async (request, reply) => {
    if (request.body.choice === 'stay') {
      request.log.info('sign-in link declined: the browser stays signed in as it was')
      return reply.redirect('/me', 303)
    }
    const read = readLinkToken(verify.secret, request.body.t, clock.now())
    if (!read.ok) return linkProblem(reply, read.reason)
    const { link } = read
    // Without the explicit choice (the plain confirming form, or a session started in another tab since), a browser
    // signed in as another phone is asked first; nothing is claimed or changed.
    if (request.body.choice !== 'switch') {
      const current = await sessionPhone(request)
      if (current !== undefined && current !== link.phone) return otherPhonePage(request, reply, current, link.phone, request.body.t, 409)
    }
    if (!(await claimLink(db, link.id, link.phone, link.expiresAt, clock.now()))) return linkProblem(reply, 'used')
    request.log.info({ phone: maskPhone(link.phone) }, 'phone verified by a link texted to it')
    return signIn(request, reply, link.phone, undefined, 'link')
  })

  /** The settings form: what was typed when it was refused, else the phone's settings as they are. */
  interface SettingsForm {
    quiet?: string
    zone?: string
    errors?: { quiet?: string; zone?: string }
    /** Just saved: the page says so. */
    saved?: boolean
  }

  async function profilePage(reply: FastifyReply, user: SignedIn, error?: string, form?: SettingsForm) {
    const copy = copyOf(reply.request)
    const phone = user.phone.phone
    const [subscriptions, open, settings] = await Promise.all([listSubscriptions(db, phone), listOpenTopics(db), phoneSettings(db, phone)])
    const followed = new Set(subscriptions.map((s) => s.key))
    const numberZones = zonesOfNumber(phone)
    const invalid = Object.keys(form?.errors ?? {}).length > 0
    return page(reply, 'me', copy.profileTitle, {
      profile: { displayName: user.displayName, phone: maskPhone(phone), verifiedOn: copy.formatDate(user.phone.verifiedAt) },
      optedOut: user.phone.optedOut,
      subscriptions,
      others: open.topics.filter((t) => !followed.has(t.key)),
      error,
      settings: {
        quietNow: copy.quietHoursNow(settings.quietHours, options.quietHours),
        zoneNow: copy.timeZoneNow(settings.timeZone, numberZones, options.defaultTimeZone),
        quiet: form?.quiet ?? copy.quietHoursValue(settings.quietHours),
        zone: form?.zone ?? settings.timeZone ?? '',
        errors: form?.errors ?? {},
        saved: form?.saved === true,
        quietHint: copy.quietHoursHint(options.quietHours),
        zoneHint: copy.timeZoneHint(numberZones, options.defaultTimeZone),
      },
    }, error === undefined && !invalid ? 200 : 422)
  }

  app.get('/me', { schema: { querystring: Type.Object({ saved: Type.Optional(Type.String({ maxLength: 4 })) }) } }, async (request, reply) => {
    const user = await signedIn(request)
    if (user === undefined) return reply.redirect('/verify', 303)
    return profilePage(reply, user, undefined, request.query.saved === undefined ? undefined : { saved: true })
  })

  app.post('/me/subscriptions', { schema: subscriptionForm, preValidation: app.csrfProtection }, async (request, reply) => {
    const user = await signedIn(request)
    if (user === undefined) return reply.redirect('/verify', 303)
    const topic = request.body.topic ?? ''
    const phone = user.phone.phone
    if (request.body.action === 'unsubscribe') {
      await unsubscribe(db, phone, topic, clock.now(), { source: 'web' })
    } else {
      const now = clock.now()
      const { result, confirm } = await serialize(db, [phoneLock(phone)], async (trx) => {
        const subscribed = await subscribe(trx, phone, topic, options.maxSubscriptions, now, { source: 'web' })
        return { result: subscribed, confirm: subscribed.status === 'subscribed' && (await markWelcomedIfReachable(trx, phone, now)) }
      })
      if (result.status === 'noSuchTopic') return profilePage(reply, user, copyOf(request).noSuchTopic(topic))
      if (result.status === 'limit') return profilePage(reply, user, copyOf(request).tooManySubscriptions(options.maxSubscriptions))
      // CTIA's opt-in confirmation: the first subscription a phone ever makes, here or by text, gets the program
      // identity and how to stop, once. It goes after the commit; if it fails, the subscription stands and the next
      // subscription tries again.
      if (result.status === 'subscribed' && confirm) {
        const sms = smsCopy[request.language]
        try {
          await verify.sender.send({ to: phone, body: sms.subscribed(result.topic, false, sms.identity(options.program)) })
        } catch (err) {
          await unmarkWelcomed(db, phone, now)
          request.log.warn({ err, to: maskPhone(phone) }, 'first-subscription confirmation not sent; the subscription stands')
        }
      }
    }
    return reply.redirect('/me', 303)
  })

  // Quiet hours and time zone, as by text (QUIET 22-7, TZ PACIFIC): both fields are read before either is saved.
  app.post('/me/settings', { schema: settingsForm, preValidation: app.csrfProtection }, async (request, reply) => {
    const user = await signedIn(request)
    if (user === undefined) return reply.redirect('/verify', 303)
    const quietInput = (request.body.quiet ?? '').trim()
    const zoneInput = (request.body.zone ?? '').trim()
    const quiet = quietInput === '' ? { kind: 'default' as const } : parseQuietHours(quietInput)
    const zone = zoneInput === '' ? null : parseTimeZone(zoneInput)
    const { errors: messages } = copyOf(request)
    const errors = { ...(quiet === undefined ? { quiet: messages.quietHours } : {}), ...(zone === undefined ? { zone: messages.timeZone } : {}) }
    if (quiet === undefined || zone === undefined) return profilePage(reply, user, undefined, { quiet: quietInput, zone: zoneInput, errors })
    const phone = user.phone.phone
    await serialize(db, [phoneLock(phone)], async (trx) => {
      await setQuietHours(trx, phone, quiet, clock.now())
      await setTimeZone(trx, phone, zone, clock.now())
    })
    return reply.redirect('/me?saved=1', 303)
  })

  app.post('/logout', { preValidation: app.csrfProtection }, async (request, reply) => {
    const id = sessionId(request)
    if (id !== undefined) await revokeSession(db, id, clock.now())
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    rotateCsrf(request, reply)
    return reply.redirect('/verify', 303)
  })
}
