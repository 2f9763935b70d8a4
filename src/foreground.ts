// Requests someone is waiting for (webhooks, pages, the API), counted while they are answered: the outbox steps back while there are any.
import type { FastifyInstance } from 'fastify'

export interface Foreground {
  /** Whether a request someone waits for is being answered now, or one ended a moment ago (more are likely coming). */
  busy(): boolean
}

export interface ForegroundOptions {
  /** URLs as registered that nobody waits on: what a fan-out itself brings (status callbacks), probes, long streams. */
  background: ReadonlySet<string>
  /** How long after the last request the foreground stays busy; 50 ms by default. */
  lingerMs?: number
  /** Monotonic milliseconds (performance.now by default): this is pacing, not a rule, so it needs no test clock. */
  now?: () => number
}

/**
 * Counts the app's requests from their arrival until their response is done (or the client went away), leaving out
 * the background routes: those would otherwise hold the outbox back for as long as they last. Under load, responses
 * leave gaps between requests; `lingerMs` bridges them, so a busy server does not look idle between two requests.
 */
export function trackForeground(app: FastifyInstance, options: ForegroundOptions): Foreground {
  const now = options.now ?? (() => performance.now())
  const lingerMs = options.lingerMs ?? 50
  let answering = 0
  let lastEnded = -Infinity
  app.addHook('onRequest', (request, reply, done) => {
    if (!options.background.has(request.routeOptions.url ?? '')) {
      answering += 1
      // 'close' comes once, after the response is sent or when the connection ends first.
      reply.raw.once('close', () => {
        answering -= 1
        lastEnded = now()
      })
    }
    done()
  })
  return { busy: () => answering > 0 || now() - lastEnded < lingerMs }
}
