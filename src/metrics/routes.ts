// GET /metrics: Prometheus text format, read with Authorization: Bearer $METRICS_TOKEN; 404 while it is unset.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Metrics } from './metrics.js'

const digest = (value: string) => createHash('sha256').update(value).digest()

export async function metricsRoutes(app: FastifyInstance, options: { metrics: Metrics; token: string | undefined }): Promise<void> {
  app.get('/metrics', async (request, reply) => {
    if (options.token === undefined) {
      return reply.code(404).send({ error: 'metrics_disabled', message: 'Metrics are off: set METRICS_TOKEN to enable GET /metrics.' })
    }
    const header = request.headers.authorization ?? ''
    const token = header.startsWith('Bearer ') ? header.slice(7) : ''
    if (!timingSafeEqual(digest(token), digest(options.token))) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' })
    }
    return reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics())
  })
}
