// Delivers the events table: the outbox's claim loop (leases, tokens, database backoff) over events, each to its target.
//
// It lives above events/ because it composes owners that import events/ themselves (notify/ emits events and owns
// the claim loop; phones/ and profiles/ say which phone a subject has now), as retention.ts composes their pruners.
//
// At least once, with the same webhook-id on every attempt. On one or several instances a row is delivered by one
// at a time: the claim takes a lease (60 s, longer than an attempt can take: four requests of at most 10 s for Auth0)
// under a token, and only the holder records the outcome. An event reaches its receiver twice only when an instance
// dies (or cannot write the outcome) after the receiver answered: at most that instance's in-flight deliveries
// (`concurrency`, 4) each time, taken over after the lease. Receivers deduplicate on webhook-id.
import type { Logger } from 'pino'
import type { Clock } from './clock.js'
import type { Auth0Config, EventsConfig } from './config.js'
import type { Db } from './database.js'
import type { Attempt } from './events/attempt.js'
import { createAuth0Writer } from './events/auth0.js'
import { createEventDelivery, type Send } from './events/deliver.js'
import { claimDueEvents, type ClaimedEvent, type EventTarget } from './events/queries.js'
import { createWebhookPoster } from './events/webhook.js'
import { createOutage } from './notify/outage.js'
import { createSendLoop, type Dispatcher } from './notify/send-loop.js'
import { verifiedPhoneOf } from './phones/queries.js'
import { findProfileBySubjectOnly } from './profiles/queries.js'

export interface EventDelivererOptions {
  db: Db
  /** The schedule's time (backoff, deadlines, leases, Auth0 token expiry), and its `sleep` for every wait. */
  clock: Clock
  logger: Logger
  /** EVENTS_URL and EVENTS_SECRET, when the team's application is told. */
  events: EventsConfig | undefined
  /** AUTH0_*, when verified phones are written back to Auth0. */
  auth0: Auth0Config | undefined
  /** Deliveries in flight at most; 4 by default. */
  concurrency?: number
  /** How long a claim holds a row; 60 s by default. */
  leaseMs?: number
  /** How long to wait when there is no work; 1 s by default. */
  idleMs?: number
  random?: () => number
  fetch?: typeof fetch
  /** When a webhook attempt is signed; the wall clock by default (see events/webhook.ts). */
  signedAt?: () => Date
  /** Told each attempt's outcome. */
  onOutcome?: (row: ClaimedEvent, attempt: Attempt) => void
}

/** The phone a subject's profile has verified now, or null: what Auth0 is told at each attempt. */
async function currentPhoneOf(db: Db, subject: string): Promise<string | null> {
  const profile = await findProfileBySubjectOnly(db, subject)
  if (profile === undefined) return null
  return (await verifiedPhoneOf(db, profile.id))?.phone ?? null
}

export function createEventDeliverer(options: EventDelivererOptions): Dispatcher {
  const { db, clock, logger } = options
  const concurrency = options.concurrency ?? 4
  const leaseMs = options.leaseMs ?? 60_000
  const random = options.random ?? Math.random
  const targets: Partial<Record<EventTarget, Send>> = {}
  if (options.events !== undefined) {
    targets.webhook = createWebhookPoster(options.events, { fetch: options.fetch, signedAt: options.signedAt })
  }
  if (options.auth0 !== undefined) {
    const writer = createAuth0Writer({
      config: options.auth0,
      clock,
      currentPhone: (subject) => currentPhoneOf(db, subject),
      fetch: options.fetch,
    })
    targets.auth0 = (row) => writer.write(row)
  }
  const claimed = Object.keys(targets) as EventTarget[]
  return createSendLoop<ClaimedEvent>({
    clock,
    logger,
    concurrency,
    batch: concurrency,
    refill: Math.ceil(concurrency / 2),
    idleMs: options.idleMs ?? 1000,
    outage: createOutage({ clock, logger, random }),
    claim: (limit) => claimDueEvents(db, clock.now(), leaseMs, limit, claimed),
    deliver: createEventDelivery({ db, clock, logger, random, targets, onOutcome: options.onOutcome }),
    describe: (row) => ({ event: row.id, target: row.target }),
  })
}
