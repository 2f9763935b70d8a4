// Proving a phone in the browser: /verify (phone, then code), /verify/code, and /verify/link (the link texting S returns).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { isIP } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { maskPhone } from '../log.js'
import { normalizePhone } from '../phones/normalize.js'
import { phoneLanguage } from '../phones/queries.js'
import { findProfile } from '../profiles/queries.js'
import { signInWithPhone, type SignIn } from '../profiles/sign-in.js'
import { clientKey } from '../verify/client-key.js'
import { checkCode, sendCode } from '../verify/codes.js'
import { readLinkToken } from '../verify/links.js'
import { claimLink } from '../verify/queries.js'
import type { WebRoutesOptions } from './routes.js'
import { copyOf } from './session.js'

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

// Texting S returns a one-time link: the carrier proved who sent the text, so opening it (and confirming, with
// CSRF) verifies that phone even while code checks for it are locked.
const LinkQuery = Type.Object({ t: Type.String({ maxLength: 120 }) })
/** The confirming form; `choice` is sent only from the page shown to a browser signed in as another phone. */
const LinkForm = Type.Object({
  t: Type.String({ maxLength: 120 }),
  choice: Type.Optional(Type.Union([Type.Literal('stay'), Type.Literal('switch')])),
})

export async function verifyRoutes(plain: FastifyInstance, options: WebRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const { verify, oidc } = options
  const { db, clock } = verify
  const ttlMinutes = Math.round(verify.otp.ttlSeconds / 60)

  /** Where the provider's sign-in starts, coming back to `returnTo` (a path on this site) afterwards. */
  const loginHref = (returnTo: string) => (returnTo === '/verify' ? '/auth/login' : `/auth/login?return=${encodeURIComponent(returnTo)}`)

  /** With OIDC configured, a phone joins a provider's user: this browser has no session, so it signs in first. */
  const mustSignIn = async (request: FastifyRequest) => oidc !== undefined && (await request.sessionProfileId()) === undefined

  /** The offer to sign in with the provider (when mustSignIn), instead of a form that needs a session. */
  function signInPage(reply: FastifyReply, returnTo: string, status: number) {
    const copy = copyOf(reply.request)
    const provider = oidc?.name ?? ''
    const data = { intro: copy.signInIntro(provider), button: copy.signInButton(provider), href: loginHref(returnTo) }
    return reply.page('signIn', copy.signInTitle, data, status)
  }

  /** With OIDC, whom a session is signed in as (the provider's e-mail or name), for the phone form; else undefined. */
  async function accountOf(request: FastifyRequest): Promise<string | undefined> {
    if (oidc === undefined) return undefined
    const profileId = await request.sessionProfileId()
    const profile = profileId === undefined ? undefined : await findProfile(db, profileId)
    if (profile === undefined || profile.subject === null) return undefined
    return copyOf(request).signedInAs(profile.email ?? profile.display_name ?? profile.subject)
  }

  /** Signs the browser in as the owner of `phone`, with a fresh session id and CSRF secret, and shows the success page. */
  async function signIn(request: FastifyRequest, reply: FastifyReply, who: Pick<SignIn, 'phone' | 'displayName' | 'method'>) {
    const session = await signInWithPhone(db, {
      ...who,
      profileId: await request.sessionProfileId(),
      sessionId: request.sessionId(),
      now: clock.now(),
      sessionDays: options.sessionDays,
    })
    reply.openSession(session.sessionId)
    await request.followPhone(who.phone)
    return reply.page('success', copyOf(request).successTitle, {})
  }

  const verifyPage = async (reply: FastifyReply, phone: string, name: string, errors: Record<string, string>, status = 200) => {
    const account = await accountOf(reply.request)
    return reply.page('verify', copyOf(reply.request).verifyTitle, { phone, name, errors, account }, status)
  }

  const codePage = (reply: FastifyReply, phone: string, name: string, codeValue: string, errors: Record<string, string>, status = 200) => {
    const copy = copyOf(reply.request)
    const intro = copy.codeIntro(phone, ttlMinutes)
    return reply.page('code', copy.codeTitle, { phone, name, code: codeValue, errors, intro, length: verify.otp.length }, status)
  }

  app.get(
    '/verify',
    {
      schema: { querystring: Type.Object({ phone: Type.Optional(Type.String({ maxLength: 40 })) }) },
    },
    async (request, reply) =>
      (await mustSignIn(request)) ? signInPage(reply, '/verify', 200) : verifyPage(reply, request.query.phone ?? '', '', {}),
  )

  app.post('/verify', { schema: verifyForm, preValidation: app.csrfProtection }, async (request, reply) => {
    if (await mustSignIn(request)) return signInPage(reply, '/verify', 403)
    const copy = copyOf(request)
    const phoneInput = (request.body.phone ?? '').trim()
    const name = (request.body.name ?? '').trim()
    if (name.length > 60) return verifyPage(reply, phoneInput, name, { name: copy.errors.nameTooLong }, 422)
    const phone = normalizePhone(phoneInput, options.defaultCountry, options.allowedCountries)
    if (!phone.ok) {
      const error =
        phone.reason === 'invalid'
          ? copy.errors.phoneInvalid
          : phone.reason === 'notMobile'
            ? copy.errors.phoneNotMobile(phone.type)
            : copy.errors.phoneCountry(options.allowedCountries)
      return verifyPage(reply, phoneInput, name, { phone: error }, 422)
    }
    // The code is texted in the phone's language; the page stays in the browser's until the phone is proven.
    const result = await sendCode(verify, phone.phone, clientAddress(request), (await phoneLanguage(db, phone.phone)) ?? request.language)
    const outcome = result.ok ? 'sent' : result.reason
    request.outcome = { kind: 'codeSent', outcome }
    request.log.info({ phone: maskPhone(phone.phone), outcome }, 'verification code requested')
    if (result.ok) return codePage(reply, phone.phone, name, '', {})
    const error = copy.refusal(result)
    // A refused resend keeps the person on the code form, where their pending code still works.
    if (result.reason === 'cooldown') return codePage(reply, phone.phone, name, '', { code: error }, 429)
    return verifyPage(reply, phoneInput, name, { phone: error }, result.reason === 'sendFailed' ? 502 : 429)
  })

  app.post('/verify/code', { schema: verifyForm, preValidation: app.csrfProtection }, async (request, reply) => {
    if (await mustSignIn(request)) return signInPage(reply, '/verify', 403)
    const copy = copyOf(request)
    const name = (request.body.name ?? '').trim().slice(0, 60)
    const phone = normalizePhone(request.body.phone ?? '', options.defaultCountry, options.allowedCountries)
    if (!phone.ok) return verifyPage(reply, request.body.phone ?? '', name, { phone: copy.errors.phoneInvalid }, 422)
    const codeInput = (request.body.code ?? '').replace(/\s/g, '')
    if (!new RegExp(`^\\d{${verify.otp.length}}$`).test(codeInput)) {
      return codePage(reply, phone.phone, name, codeInput, { code: copy.errors.codeFormat(verify.otp.length) }, 422)
    }
    const decision = await checkCode(verify, phone.phone, codeInput, clientAddress(request))
    const outcome = decision.ok ? 'verified' : decision.reason
    request.outcome = { kind: 'codeChecked', outcome }
    request.log.info({ phone: maskPhone(phone.phone), outcome }, 'verification code checked')
    if (!decision.ok) {
      return codePage(reply, phone.phone, name, codeInput, { code: copy.refusal(decision) }, decision.reason === 'locked' ? 429 : 422)
    }
    return signIn(request, reply, { phone: phone.phone, displayName: name === '' ? undefined : name, method: 'code' })
  })

  const linkProblem = (reply: FastifyReply, reason: 'invalid' | 'expired' | 'used') => {
    const copy = copyOf(reply.request)
    const text = reason === 'invalid' ? copy.linkInvalid : reason === 'expired' ? copy.linkExpired : copy.linkUsed
    return reply.page('message', copy.linkTitle, { text, link: copy.verifyTitle }, 410)
  }

  /**
   * Someone's link opened in a browser signed in as another phone may be a lure (it would move this profile to the
   * sender's phone), so the page names both, masked, and changes nothing until the person chooses. It speaks the
   * signed-in phone's language: the person at this browser is that phone's.
   */
  async function otherPhonePage(
    request: FastifyRequest,
    reply: FastifyReply,
    current: string,
    linked: string,
    token: string,
    status: number,
  ) {
    await request.followPhone(current)
    const copy = copyOf(request)
    request.log.info({ phone: maskPhone(linked), signedInAs: maskPhone(current) }, 'sign-in link opened while signed in as another phone')
    return reply.page(
      'linkOther',
      copy.linkOtherTitle,
      {
        intro: copy.linkOtherIntro(current, linked),
        warning: copy.linkOtherWarning(current, linked),
        stay: copy.linkStayButton(current),
        switchTo: copy.linkSwitchButton(linked),
        token,
      },
      status,
    )
  }

  app.get('/verify/link', { schema: { querystring: LinkQuery } }, async (request, reply) => {
    const read = readLinkToken(verify.secret, request.query.t, clock.now())
    if (!read.ok) return linkProblem(reply, read.reason)
    // The phone joins the provider's user that signs in here: the sign-in comes first, and brings the link back.
    if (await mustSignIn(request)) return reply.redirect(loginHref(`/verify/link?t=${encodeURIComponent(request.query.t)}`), 303)
    const current = await request.sessionPhone()
    if (current !== undefined && current !== read.link.phone) {
      return otherPhonePage(request, reply, current, read.link.phone, request.query.t, 200)
    }
    await request.followPhone(read.link.phone)
    const copy = copyOf(request)
    return reply.page('link', copy.linkTitle, { intro: copy.linkIntro(read.link.phone), token: request.query.t })
  })

  app.post('/verify/link', { schema: { body: LinkForm }, preValidation: app.csrfProtection }, async (request, reply) => {
    if (await mustSignIn(request)) return signInPage(reply, `/verify/link?t=${encodeURIComponent(request.body.t)}`, 403)
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
      const current = await request.sessionPhone()
      if (current !== undefined && current !== link.phone) return otherPhonePage(request, reply, current, link.phone, request.body.t, 409)
    }
    if (!(await claimLink(db, link.id, link.phone, link.expiresAt, clock.now()))) return linkProblem(reply, 'used')
    request.log.info({ phone: maskPhone(link.phone) }, 'phone verified by a link texted to it')
    return signIn(request, reply, { phone: link.phone, displayName: undefined, method: 'link' })
  })
}
