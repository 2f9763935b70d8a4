// Bearer tokens (ADMIN_TOKEN, METRICS_TOKEN): read from the Authorization header and compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

const digest = (value: string) => createHash('sha256').update(value).digest()

/** True when the request carries `Authorization: Bearer <expected>`. Comparing digests keeps it constant-time whatever the lengths. */
export function hasBearerToken(request: FastifyRequest, expected: string): boolean {
  const header = request.headers.authorization ?? ''
  const token = header.startsWith('Bearer ') ? header.slice(7) : ''
  return timingSafeEqual(digest(token), digest(expected))
}
