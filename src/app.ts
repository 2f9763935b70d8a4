// Builds the Fastify application from its dependencies; never listens (see server.ts).
import formbody from '@fastify/formbody'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { nanoid } from 'nanoid'
import type { Logger } from 'pino'
import { systemClock, type Clock } from './clock.js'
import { publicHref, type ResolvedConfig } from './config.js'
import type { Db } from './database.js'
import type { SmsSender } from './sender/sender.js'
import type { ConsoleSender } from './sender/console.js'
import { createDispatcher, type Dispatcher } from './notify/dispatcher.js'
import { trackForeground } from './foreground.js'
import { createReplySender } from './notify/reply-sender.js'
import { lazySchemaCompilers } from './schema-compilers.js'
import { createSendGate } from './notify/send-gate.js'
import { createEventDeliverer } from './event-deliverer.js'
import { eventRoutes } from './operators/event-routes.js'
import { startRetention, type Retention } from './retention.js'
import { statusRoutes } from './notify/routes.js'
import { countRequest } from './metrics/count.js'
import { logFieldsOf } from './outcome.js'
import { createMetrics, noMetrics } from './metrics/metrics.js'
import { metricsRoutes } from './metrics/routes.js'
import { outboxCounts } from './notify/queries.js'
import { requireAdminToken } from './operators/api.js'
import { apiDocs } from './operators/docs.js'
import type { OperatorDeps } from './operators/deps.js'
import { consentRoutes, keywordRoutes, notificationRoutes, topicRoutes } from './operators/routes.js'
import { forwarderTo } from './sms/forward.js'
import { setEventTargets } from './events/queries.js'
import { reservedAs } from './sms/parse.js'
import { smsRoutes } from './sms/routes.js'
import { guardTwilioWebhooks } from './twilio/signature.js'
import { webRoutes } from './web/routes.js'

/** The operator API's version in its document (the package's). */
const API_VERSION = '0.1.0'

export interface AppDeps {
  config: ResolvedConfig
  db: Db
  sender: SmsSender
  logger: Logger
  clock?: Clock
  /** Run the outbox dispatcher while the app is up (the server does; most tests do not). Its waits are the clock's. */
  dispatch?: boolean
}

/**
 * Routes nobody waits on, left out of what holds the outbox back (foreground.ts): Twilio's status callbacks (a
 * fan-out brings them itself), probes, and the console's progress stream (open for as long as one watches).
 */
export const BACKGROUND_ROUTES = new Set(['/sms/status', '/healthz', '/metrics', '/console/notifications/:id/events'])

/** What /healthz says of the dispatcher: nothing while it sends (or where this instance does not dispatch). */
function dispatcherHealth(dispatcher: Dispatcher | undefined): { dispatcher?: string; failures?: number; failingSince?: string } {
  const health = dispatcher?.health()
  if (health === undefined || health.state === 'running') return {}
  return { dispatcher: health.state, failures: health.failures, failingSince: health.failingSince }
}

function isConsoleSender(sender: SmsSender): sender is ConsoleSender {
  return sender.kind === 'console' && 'outbox' in sender
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db, sender } = deps
  const clock = deps.clock ?? systemClock
  // Every change made through this handle writes the events this configuration delivers (see events/queries.ts).
  setEventTargets(db, { webhook: config.events !== undefined, auth0: config.auth0 !== undefined })

  const app = Fastify({
    // Route schemas compile at each route's first request: most routes a process has are not asked for at start.
    schemaController: { compilersFactory: lazySchemaCompilers() },
    // The cast picks Fastify's logger type for the instance's generics (pino's Logger would leak into every plugin type).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    // A request must arrive whole, and an idle connection must go, within the timeout (slow-client sockets).
    requestTimeout: config.requestTimeoutSeconds * 1000,
    connectionTimeout: config.requestTimeoutSeconds * 1000,
    keepAliveTimeout: 10_000,
    // Node checks requestTimeout on this interval (30 s by default, which would let a stalled request live twice as long).
    http: { connectionsCheckingInterval: Math.min(5_000, config.requestTimeoutSeconds * 500) },
    genReqId: () => nanoid(12),
    requestIdHeader: false,
    // One line per request, written in onResponse below, instead of Fastify's two plus the route's own.
    logController: new LogController({ disableRequestLogging: true }),
  })

  // prom-client only where /metrics can be read (METRICS_TOKEN): otherwise nothing is counted, and it is not loaded.
  const metrics =
    config.metricsToken === undefined
      ? noMetrics
      : createMetrics({ outboxRows: () => outboxCounts(db), sendRatePerSecond: config.sendRatePerSecond })
  // What a route reports it did (outcome.ts) is read here once: the request's log line and the metrics both come from it.
  app.decorateRequest('outcome', null)
  app.addHook('onResponse', (request, reply, done) => {
    const { outcome } = request
    request.log.info(
      { req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, ...logFieldsOf(outcome) },
      'request completed',
    )
    countRequest(metrics, request.routeOptions.url, reply.elapsedTime, outcome)
    done()
  })

  // The app owns the database handle: closing the app closes it.
  app.addHook('onClose', async () => {
    await db.destroy()
  })

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      return reply.code(500).send({ error: 'internal_error', message: 'Something went wrong on our side. Please try again.' })
    }
    return reply.code(status).send({ error: error.code?.toLowerCase() ?? 'bad_request', message: error.message })
  })

  // Codes and confirmations share SEND_RATE_PER_SECOND with notifications, and go first (SPEC §14).
  const replies = createReplySender(sender, createSendGate({ db, clock, ratePerSecond: config.sendRatePerSecond, maxReserved: 1 }))
  app.addHook('preClose', async () => replies.release())

  await app.register(formbody)
  // Before any route: the API document is generated from the routes registered after it.
  await apiDocs(app, API_VERSION)

  const dispatcher =
    deps.dispatch === true
      ? createDispatcher({
          db,
          sender,
          clock,
          logger: deps.logger,
          foreground: trackForeground(app, { background: BACKGROUND_ROUTES }),
          ratePerSecond: config.sendRatePerSecond,
          concurrency: config.sendConcurrency,
          leaseMs: config.sendLeaseSeconds * 1000,
          maxAttempts: config.sendMaxAttempts,
          quietHours: config.quietHours,
          defaultTimeZone: config.defaultTimeZone,
          statusCallback: config.publicUrl === undefined ? undefined : publicHref(config.publicUrl, '/sms/status'),
          onOutcome: (outcome, errorCode) => metrics.sends.inc({ outcome, error_code: errorCode === undefined ? '' : String(errorCode) }),
        })
      : undefined

  // 200 {status:"ok"} only when the database answers and, where this instance dispatches, the dispatcher sends;
  // otherwise 503, saying which part is not working, so that a monitor's status check alone notices.
  app.get('/healthz', async (_request, reply) => {
    const sending = dispatcherHealth(dispatcher)
    try {
      await sql`select 1`.execute(db)
    } catch (err) {
      app.log.error({ err }, 'health check: database does not answer')
      return reply.code(503).send({ status: 'unavailable', ...sending })
    }
    if (sending.dispatcher !== undefined) return reply.code(503).send({ status: 'degraded', database: 'ok', ...sending })
    return { status: 'ok' }
  })

  // Twilio's webhooks in their own context: form bodies only, small, and signed.
  await app.register(async (webhooks) => {
    guardTwilioWebhooks(webhooks, { authToken: config.twilio.authToken, publicUrl: config.publicUrl })
    await webhooks.register(smsRoutes, {
      publicUrl: config.publicUrl,
      linkSecret: config.sessionSecret,
      linkTtlSeconds: config.otp.linkTtlSeconds,
      context: {
        db,
        clock,
        maxSubscriptions: config.maxSubscriptions,
        conversationMinutes: config.conversationMinutes,
        program: config.program,
        quietHours: config.quietHours,
        forward: config.forward === undefined ? undefined : forwarderTo(config.forward),
      },
    })
    await webhooks.register(statusRoutes, { db, clock })
  })

  await app.register(webRoutes, {
    verify: { db, sender: replies, clock, otp: config.otp, secret: config.sessionSecret, publicUrl: config.publicUrl },
    allowedCountries: config.allowedCountries,
    defaultCountry: config.defaultCountry,
    maxSubscriptions: config.maxSubscriptions,
    sessionDays: config.sessionDays,
    quietHours: config.quietHours,
    defaultTimeZone: config.defaultTimeZone,
    program: config.program,
    oidc: config.oidc,
    operators: config.operators,
  })

  // The operator API: one context under /api, every route behind the bearer token (ADMIN_TOKEN), each plugin given the same deps.
  const operatorDeps: OperatorDeps = { db, clock, reservedAs, actor: 'api' }
  await app.register(
    async (api) => {
      api.addHook('onRequest', requireAdminToken(config.adminToken))
      await api.register(topicRoutes, operatorDeps)
      await api.register(notificationRoutes, operatorDeps)
      await api.register(consentRoutes, operatorDeps)
      await api.register(keywordRoutes, operatorDeps)
      await api.register(eventRoutes, { db, clock })
    },
    { prefix: '/api' },
  )

  if (dispatcher !== undefined) {
    app.addHook('onReady', async () => dispatcher.start())
    // preClose runs before onClose closes the database: in-flight sends finish and record their outcome.
    app.addHook('preClose', async () => dispatcher.stop())
  }

  if (deps.dispatch === true && (config.events !== undefined || config.auth0 !== undefined)) {
    // Events and Auth0 write-backs on their own loop: a slow receiver never holds up a webhook's reply or an SMS send.
    const deliverer = createEventDeliverer({ db, clock, logger: deps.logger, events: config.events, auth0: config.auth0 })
    app.addHook('onReady', async () => deliverer.start())
    app.addHook('preClose', async () => deliverer.stop())
  }

  if (deps.dispatch === true) {
    // Rows past their retention window go in small batches while the server runs; stopped before the database closes.
    let retention: Retention | undefined
    app.addHook('onReady', async () => void (retention = startRetention({ db, clock, logger: deps.logger, config: config.retention })))
    app.addHook('preClose', async () => retention?.stop())
  }

  await app.register(metricsRoutes, { metrics, token: config.metricsToken })

  if (isConsoleSender(sender) && !config.production) {
    // Development only (it holds one-time codes): what the console sender would have texted, newest first.
    app.get('/dev/outbox', async () => ({ messages: sender.outbox() }))
  }

  return app
}
