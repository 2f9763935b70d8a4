// The browser pages: /verify (phone, then code), /me (profile and subscriptions), /logout.
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import helmet from '@fastify/helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CountryCode } from 'libphonenumber-js'
import { maskPhone } from '../log.js'
import { normalizePhone } from '../phones/normalize.js'
import { listOpenTopics, listSubscriptions, subscribe, unsubscribe } from '../topics/queries.js'
import { checkCode, linkVerifiedPhone, sendCode, type VerifyContext } from '../verify/codes.js'
import { copy } from './copy.js'
import { renderPage, type Page } from './views.js'

export interface WebRoutesOptions {
  verify: VerifyContext
  allowedCountries: CountryCode[]
  defaultCountry: CountryCode
  maxSubscriptions: number
}

const SESSION_COOKIE = 'smsbot_session'
const SESSION_DAYS = 30

interface VerifyBody {
  phone?: string
  name?: string
  code?: string
}

const formSchema = {
  body: {
    type: 'object',
    properties: {
      phone: { type: 'string', maxLength: 40 },
      name: { type: 'string', maxLength: 200 },
      code: { type: 'string', maxLength: 40 },
      topic: { type: 'string', maxLength: 80 },
      action: { type: 'string', enum: ['subscribe', 'unsubscribe'] },
    },
  },
} as const

export async function webRoutes(app: FastifyInstance, options: WebRoutesOptions): Promise<void> {
  const { verify } = options
  const secure = verify.publicUrl?.protocol === 'https:'
  const ttlMinutes = Math.round(verify.otp.ttlSeconds / 60)

  await app.register(helmet)
  await app.register(cookie, { secret: verify.secret })
  await app.register(csrf, { sessionPlugin: '@fastify/cookie', cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/' } })

  const page = (reply: FastifyReply, name: Page, title: string, data: Record<string, unknown>, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').send(renderPage(name, { title, copy, csrf: reply.generateCsrf(), ...data }))

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error.code?.startsWith('FST_CSRF') === true) {
      request.log.warn({ code: error.code }, 'form refused: CSRF token missing or invalid')
      return reply.code(403).type('text/html; charset=utf-8').send(renderPage('message', { title: copy.formExpiredTitle, text: copy.formExpired, link: copy.verifyTitle }))
    }
    if ((error.statusCode ?? 500) < 500) {
      return reply.code(error.statusCode as number).type('text/html; charset=utf-8').send(renderPage('message', { title: copy.formExpiredTitle, text: error.message, link: copy.verifyTitle }))
    }
    throw error
  })

  function sessionProfileId(request: FastifyRequest): string | undefined {
    const raw = request.cookies[SESSION_COOKIE]
    if (raw === undefined) return undefined
    const unsigned = request.unsignCookie(raw)
    return unsigned.valid && unsigned.value !== null ? unsigned.value : undefined
  }

  const verifyPage = (reply: FastifyReply, phone: string, name: string, errors: Record<string, string>, status = 200) =>
    page(reply, 'verify', copy.verifyTitle, { phone, name, errors }, status)

  const codePage = (reply: FastifyReply, phone: string, name: string, codeValue: string, errors: Record<string, string>, status = 200) =>
    page(reply, 'code', copy.codeTitle, { phone, name, code: codeValue, errors, intro: copy.codeIntro(phone, ttlMinutes), length: verify.otp.length }, status)

  app.get<{ Querystring: { phone?: string } }>('/verify', {
    schema: { querystring: { type: 'object', properties: { phone: { type: 'string', maxLength: 40 } } } },
  }, async (request, reply) => verifyPage(reply, request.query.phone ?? '', '', {}))

  app.post<{ Body: VerifyBody }>('/verify', { schema: formSchema, preValidation: app.csrfProtection }, async (request, reply) => {
    const phoneInput = (request.body.phone ?? '').trim()
    const name = (request.body.name ?? '').trim()
    if (name.length > 60) return verifyPage(reply, phoneInput, name, { name: copy.errors.nameTooLong }, 422)
    const phone = normalizePhone(phoneInput, options.defaultCountry, options.allowedCountries)
    if (!phone.ok) {
      const error = phone.reason === 'invalid' ? copy.errors.phoneInvalid : copy.errors.phoneCountry(options.allowedCountries)
      return verifyPage(reply, phoneInput, name, { phone: error }, 422)
    }
    const result = await sendCode(verify, phone.phone, request.ip)
    request.log.info({ phone: maskPhone(phone.phone), outcome: result.ok ? 'sent' : result.reason }, 'verification code requested')
    if (result.ok) return codePage(reply, phone.phone, name, '', {})
    const error = copy.refusal(result)
    // A refused resend keeps the person on the code form, where their pending code still works.
    if (result.reason === 'cooldown') return codePage(reply, phone.phone, name, '', { code: error }, 429)
    return verifyPage(reply, phoneInput, name, { phone: error }, result.reason === 'sendFailed' ? 502 : 429)
  })

  app.post<{ Body: VerifyBody }>('/verify/code', { schema: formSchema, preValidation: app.csrfProtection }, async (request, reply) => {
    const name = (request.body.name ?? '').trim().slice(0, 60)
    const phone = normalizePhone(request.body.phone ?? '', options.defaultCountry, options.allowedCountries)
    if (!phone.ok) return verifyPage(reply, request.body.phone ?? '', name, { phone: copy.errors.phoneInvalid }, 422)
    const codeInput = (request.body.code ?? '').replace(/\s/g, '')
    if (!new RegExp(`^\\d{${verify.otp.length}}$`).test(codeInput)) {
      return codePage(reply, phone.phone, name, codeInput, { code: copy.errors.codeFormat(verify.otp.length) }, 422)
    }
    const decision = await checkCode(verify, phone.phone, codeInput, request.ip)
    request.log.info({ phone: maskPhone(phone.phone), outcome: decision.ok ? 'verified' : decision.reason }, 'verification code checked')
    if (!decision.ok) {
      return codePage(reply, phone.phone, name, codeInput, { code: copy.refusal(decision) }, decision.reason === 'locked' ? 429 : 422)
    }
    const profileId = await linkVerifiedPhone(verify.db, phone.phone, sessionProfileId(request), name === '' ? undefined : name, verify.clock.now())
    reply.setCookie(SESSION_COOKIE, profileId, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_DAYS * 86_400 })
    return page(reply, 'success', copy.successTitle, {})
  })

  async function loadProfile(profileId: string) {
    return verify.db
      .selectFrom('profiles')
      .innerJoin('phones', 'phones.profile_id', 'profiles.id')
      .select(['profiles.id', 'profiles.display_name', 'phones.phone', 'phones.verified_at', 'phones.opted_out_at'])
      .where('profiles.id', '=', profileId)
      .executeTakeFirst()
  }

  async function profilePage(reply: FastifyReply, profile: NonNullable<Awaited<ReturnType<typeof loadProfile>>>, error?: string) {
    const [subscriptions, open] = await Promise.all([listSubscriptions(verify.db, profile.phone), listOpenTopics(verify.db)])
    const followed = new Set(subscriptions.map((s) => s.key))
    return page(reply, 'me', copy.profileTitle, {
      profile: { displayName: profile.display_name, phone: maskPhone(profile.phone), verifiedOn: copy.formatDate(profile.verified_at as string) },
      optedOut: profile.opted_out_at !== null,
      subscriptions,
      others: open.topics.filter((t) => !followed.has(t.key)),
      error,
    }, error === undefined ? 200 : 422)
  }

  app.get('/me', async (request, reply) => {
    const profileId = sessionProfileId(request)
    const profile = profileId === undefined ? undefined : await loadProfile(profileId)
    if (profile === undefined) return reply.redirect('/verify', 303)
    return profilePage(reply, profile)
  })

  app.post<{ Body: { topic?: string; action?: 'subscribe' | 'unsubscribe' } }>('/me/subscriptions', { schema: formSchema, preValidation: app.csrfProtection }, async (request, reply) => {
    const profileId = sessionProfileId(request)
    const profile = profileId === undefined ? undefined : await loadProfile(profileId)
    if (profile === undefined) return reply.redirect('/verify', 303)
    const topic = request.body.topic ?? ''
    if (request.body.action === 'unsubscribe') {
      await unsubscribe(verify.db, profile.phone, topic)
    } else {
      const result = await subscribe(verify.db, profile.phone, topic, options.maxSubscriptions, verify.clock.now())
      if (result.status === 'noSuchTopic') return profilePage(reply, profile, copy.noSuchTopic(topic))
      if (result.status === 'limit') return profilePage(reply, profile, copy.tooManySubscriptions(options.maxSubscriptions))
    }
    return reply.redirect('/me', 303)
  })

  app.post('/logout', { preValidation: app.csrfProtection }, async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/verify', 303)
  })
}
