// How the console's forms answer: the status of a page that shows a refusal, and the CSRF check every form passes.
import type { FastifyInstance, preValidationHookHandler } from 'fastify'

/** The status of a page showing an operator action's refusal: 422 for what was typed (the API's 400), else the action's own. */
export const pageStatus = (status: 400 | 404 | 409): number => (status === 400 ? 422 : status)

/** @fastify/csrf-protection's check, for a route's preValidation (the form body is parsed by then). */
export const csrfCheck = (app: FastifyInstance): preValidationHookHandler => app.csrfProtection.bind(app)
