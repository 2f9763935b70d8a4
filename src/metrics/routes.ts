// GET /metrics: Prometheus text format, read with Authorization: Bearer $METRICS_TOKEN; 404 while it is unset.
import type { FastifyInstance } from 'fastify'
import { hasBearerToken } from '../bearer.js'
import type { Metrics } from './metrics.js'

export async function metricsRoutes(app: FastifyInstance, options: { metrics: Metrics; token: string | undefined }): Promise<void> {
  app.get('/metrics', async (request, reply) => {
    if (options.token === undefined) {
      return reply.code(404).send({ error: 'metrics_disabled', message: 'Metrics are off: set METRICS_TOKEN to enable GET /metrics.' })
    }
    if (!hasBearerToken(request, options.token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' })
    }
    return reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics())
  })
}
