// The signed-in pages: /me (profile, subscriptions with a toggle each, quiet hours and time zone) and /logout.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { serialize } from '../database.js'
import { maskPhone } from '../log.js'
import { confirmFirstSubscription, phoneLock, phoneSettings, setQuietHours, setTimeZone } from '../phones/queries.js'
import { parseQuietHours, parseTimeZone } from '../phones/settings.js'
import { zonesOfNumber } from '../phones/zones.js'
import { findProfile, revokeSession } from '../profiles/queries.js'
import { smsCopy } from '../copy/index.js'
import { listOpenTopics, listSubscriptions, subscribe, unsubscribe } from '../topics/queries.js'
import type { WebRoutesOptions } from './routes.js'
import { copyOf, type SignedIn } from './session.js'

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

/** The settings form: what was typed when it was refused, else the phone's settings as they are. */
interface SettingsForm {
  quiet?: string
  zone?: string
  errors?: { quiet?: string; zone?: string }
  /** Just saved: the page says so. */
  saved?: boolean
}

export async function profileRoutes(plain: FastifyInstance, options: WebRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, sender } = options.verify

  async function profilePage(reply: FastifyReply, user: SignedIn, error?: string, form?: SettingsForm) {
    const copy = copyOf(reply.request)
    const phone = user.phone.phone
    const [subscriptions, open, settings, profile] = await Promise.all([
      listSubscriptions(db, phone),
      listOpenTopics(db),
      phoneSettings(db, phone),
      findProfile(db, user.profileId),
    ])
    const followed = new Set(subscriptions.map((s) => s.key))
    const numberZones = zonesOfNumber(phone)
    const invalid = Object.keys(form?.errors ?? {}).length > 0
    return reply.page(
      'me',
      copy.profileTitle,
      {
        profile: {
          displayName: user.displayName,
          // The identity provider's e-mail, for a profile made by an OIDC sign-in.
          email: profile?.email ?? null,
          phone: maskPhone(phone),
          verifiedOn: copy.formatDate(user.phone.verifiedAt),
        },
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
      },
      error === undefined && !invalid ? 200 : 422,
    )
  }

  const meQuery = Type.Object({ saved: Type.Optional(Type.String({ maxLength: 4 })) })
  app.get('/me', { schema: { querystring: meQuery } }, async (request, reply) => {
    const user = await request.signedIn()
    if (user === undefined) return reply.redirect('/verify', 303)
    return profilePage(reply, user, undefined, request.query.saved === undefined ? undefined : { saved: true })
  })

  app.post('/me/subscriptions', { schema: subscriptionForm, preValidation: app.csrfProtection }, async (request, reply) => {
    const user = await request.signedIn()
    if (user === undefined) return reply.redirect('/verify', 303)
    const topic = request.body.topic ?? ''
    const phone = user.phone.phone
    if (request.body.action === 'unsubscribe') {
      await unsubscribe(db, phone, topic, clock.now(), { source: 'web' })
      return reply.redirect('/me', 303)
    }
    const now = clock.now()
    const result = await serialize(db, [phoneLock(phone)], (trx) =>
      subscribe(trx, phone, topic, options.maxSubscriptions, now, { source: 'web' }),
    )
    if (result.status === 'noSuchTopic') return profilePage(reply, user, copyOf(request).noSuchTopic(topic))
    if (result.status === 'limit') return profilePage(reply, user, copyOf(request).tooManySubscriptions(options.maxSubscriptions))
    if (result.status === 'subscribed') {
      // CTIA's opt-in confirmation, by a text of its own after the commit (see confirmFirstSubscription).
      const sms = smsCopy[request.language]
      await confirmFirstSubscription(db, phone, now, {
        via: 'text',
        send: async () => {
          try {
            await sender.send({ to: phone, body: sms.subscribed(result.topic, false, sms.identity(options.program)) })
            return true
          } catch (err) {
            request.log.warn({ err, to: maskPhone(phone) }, 'first-subscription confirmation not sent; the subscription stands')
            return false
          }
        },
      })
    }
    return reply.redirect('/me', 303)
  })

  // Quiet hours and time zone, as by text (QUIET 22-7, TZ PACIFIC): both fields are read before either is saved.
  app.post('/me/settings', { schema: settingsForm, preValidation: app.csrfProtection }, async (request, reply) => {
    const user = await request.signedIn()
    if (user === undefined) return reply.redirect('/verify', 303)
    const quietInput = (request.body.quiet ?? '').trim()
    const zoneInput = (request.body.zone ?? '').trim()
    const quiet = quietInput === '' ? { kind: 'default' as const } : parseQuietHours(quietInput)
    const zone = zoneInput === '' ? null : parseTimeZone(zoneInput)
    const { errors: messages } = copyOf(request)
    if (quiet === undefined || zone === undefined) {
      const errors = {
        ...(quiet === undefined ? { quiet: messages.quietHours } : {}),
        ...(zone === undefined ? { zone: messages.timeZone } : {}),
      }
      return profilePage(reply, user, undefined, { quiet: quietInput, zone: zoneInput, errors })
    }
    const phone = user.phone.phone
    await serialize(db, [phoneLock(phone)], async (trx) => {
      await setQuietHours(trx, phone, quiet, clock.now())
      await setTimeZone(trx, phone, zone, clock.now())
    })
    return reply.redirect('/me?saved=1', 303)
  })

  app.post('/logout', { preValidation: app.csrfProtection }, async (request, reply) => {
    const id = request.sessionId()
    if (id !== undefined) await revokeSession(db, id, clock.now())
    reply.closeSession()
    return reply.redirect('/verify', 303)
  })
}
