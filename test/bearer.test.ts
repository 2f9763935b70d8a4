// The bearer-token check: only `Authorization: Bearer <token>` with the exact token passes.
import type { FastifyRequest } from 'fastify'
import t from 'tap'
import { hasBearerToken } from '../src/bearer.js'

const TOKEN = 'operator-token-0123456789'
const withAuthorization = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest

t.test('the exact token after "Bearer " passes; anything else does not', async (t) => {
  t.equal(hasBearerToken(withAuthorization(`Bearer ${TOKEN}`), TOKEN), true)
  for (const [why, header] of [
    ['no header', undefined],
    ['empty', ''],
    ['another scheme', `Basic ${TOKEN}`],
    ['lower-case scheme', `bearer ${TOKEN}`],
    ['the token alone', TOKEN],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token and more', `Bearer ${TOKEN}x`],
    ['a trailing space', `Bearer ${TOKEN} `],
  ] as const) {
    t.equal(hasBearerToken(withAuthorization(header), TOKEN), false, why)
  }
})
