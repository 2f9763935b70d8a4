// What every operator API route shares: the bearer-token check (ADMIN_TOKEN) and the problem replies.
import { Type } from 'typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { hasBearerToken } from '../bearer.js'
import { problems, type Problem } from './problems.js'

export const ProblemReply = Type.Object({ error: Type.String(), message: Type.String() })

export const fail = (reply: FastifyReply, status: number, problem: Problem) => reply.code(status).send(problem)

/** An onRequest hook: 503 while ADMIN_TOKEN is unset, 401 without `Authorization: Bearer <ADMIN_TOKEN>`. */
export function requireAdminToken(adminToken: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (adminToken === undefined) return fail(reply, 503, problems.apiDisabled)
    if (!hasBearerToken(request, adminToken)) return fail(reply, 401, problems.unauthorized)
  }
}
