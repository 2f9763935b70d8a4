// A notification's progress as Server-Sent Events (GET /console/notifications/:id/events): polled, bounded, ended when done.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../clock.js'
import { consoleSendCopy } from '../copy/index.js'
import type { Db } from '../database.js'
import { notificationProgress, type Progress } from '../notify/queries.js'

export interface ProgressStreamOptions {
  db: Db
  clock: Clock
  /** How often the database is asked (the clock's sleep between two reads). */
  pollMs: number
  /** Streams open at once in this process; one more is answered 503. */
  maxStreams: number
  /** How long one stream stays open; the browser's EventSource then opens a new one by itself. */
  maxLifetimeMs: number
  /** A comment line this often keeps proxies from closing a quiet stream. */
  keepAliveMs: number
}

export const PROGRESS_STREAM_DEFAULTS = { pollMs: 500, maxStreams: 50, maxLifetimeMs: 3_600_000, keepAliveMs: 15_000 } as const

/** What each progress event carries: the progress API's answer, and the bar's value and label as the page shows them. */
export function progressEvent(progress: Progress): Progress & { finished: number; label: string } {
  const finished = progress.sent + progress.delivered + progress.failed + progress.expired
  return { ...progress, finished, label: consoleSendCopy.notification.bar(finished, progress.recipients) }
}

/**
 * Serves one notification's progress stream: `progress` with the JSON progress when it changes, then `done` once
 * nothing is left to send, and the end. A plain text/event-stream reply written on the raw response: the format is
 * a few lines of text, and a stream that must stop on the client's disconnect, the server's close, the lifetime and
 * the notification's end reads more plainly as one loop than through a library. The loop waits on the injected
 * clock's sleep between reads (never a hot loop) and stops as soon as the client goes.
 */
export function createProgressStreams(options: ProgressStreamOptions) {
  const { db, clock } = options
  const open = new Set<AbortController>()

  async function follow(id: number, request: FastifyRequest, reply: FastifyReply, stop: AbortSignal): Promise<void> {
    const raw = reply.raw
    const write = (text: string) => {
      if (!raw.destroyed && !raw.writableEnded) raw.write(text)
    }
    const event = (name: string, data: unknown) => write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
    const until = clock.now().getTime() + options.maxLifetimeMs
    let last = ''
    let quietSince = clock.now().getTime()
    try {
      // The browser waits this long before it reconnects after the stream's end (its lifetime, a restart).
      write('retry: 5000\n\n')
      while (!stop.aborted) {
        const now = clock.now()
        const progress = await notificationProgress(db, id, now)
        if (stop.aborted) break
        if (progress === undefined) break
        const data = JSON.stringify(progressEvent(progress))
        if (data !== last) {
          write(`event: progress\ndata: ${data}\n\n`)
          last = data
          quietSince = now.getTime()
        } else if (now.getTime() - quietSince >= options.keepAliveMs) {
          write(': still here\n\n')
          quietSince = now.getTime()
        }
        if (progress.done) {
          event('done', progressEvent(progress))
          break
        }
        if (now.getTime() >= until) break
        await clock.sleep(options.pollMs, stop)
      }
    } catch (err) {
      // The browser reconnects by itself; the log says why the stream ended.
      request.log.error({ err, notificationId: id }, 'progress stream failed')
    } finally {
      if (!raw.writableEnded) raw.end()
    }
  }

  return {
    /** Stops every open stream (the app is closing): each ends its reply. */
    closeAll: () => {
      for (const controller of open) controller.abort()
    },

    /**
     * Answers the request with the stream of notification `id` (which exists), or 503 with a sentence when
     * `maxStreams` are open already.
     */
    async serve(id: number, request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (open.size >= options.maxStreams) {
        request.log.warn({ open: open.size }, 'progress stream refused: too many open')
        await reply
          .code(503)
          .header('retry-after', '30')
          .header('cache-control', 'no-store')
          .type('text/plain; charset=utf-8')
          .send(consoleSendCopy.notification.tooManyStreams(options.maxStreams))
        return
      }
      const controller = new AbortController()
      open.add(controller)
      // The response's close: the client went away (or the reply ended, which changes nothing then).
      reply.raw.on('close', () => controller.abort())
      reply.hijack()
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // Tells a proxy such as nginx to pass each event on at once instead of buffering the reply.
        'x-accel-buffering': 'no',
      })
      try {
        await follow(id, request, reply, controller.signal)
      } finally {
        open.delete(controller)
      }
    },
  }
}

export type ProgressStreams = ReturnType<typeof createProgressStreams>
