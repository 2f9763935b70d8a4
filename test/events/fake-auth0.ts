// A local stand-in for an Auth0 tenant: the client-credentials token endpoint and PATCH /api/v2/users/{id}, recorded.
import { createServer } from 'node:http'

export const DOMAIN = 'smsbot-test.us.auth0.com'
export const CLIENT_ID = 'm2m-client-id'
export const CLIENT_SECRET = 'm2m-client-secret-0123456789'

export interface Patch {
  /** The path's user id, decoded. */
  user: string
  /** The path as it arrived (the id URL-encoded). */
  path: string
  body: unknown
  token: string
}

/** What the fake answers a PATCH that carries a valid token; undefined means 200 with the user. */
export type PatchAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | undefined

export interface FakeAuth0 {
  url: string
  /** Token requests, answered or not. */
  tokens: number
  /** Token requests the fake refused (bad credentials or audience). */
  refusedTokens: string[]
  /** PATCHes that carried a valid token, in order. */
  patches: Patch[]
  /** PATCHes refused 401 for their token. */
  unauthorized: number
  /** Seconds each new token lives (expires_in). */
  tokenLifetime: number
  /** Answers the token endpoint gives before issuing tokens again (one each). */
  tokenFailures: number[]
  patchAnswer: (patch: Patch, nth: number) => PatchAnswer
  /** Tokens issued so far stop working (Auth0 rotated its signing keys). */
  revokeTokens(): void
  close(): Promise<void>
}

export async function startFakeAuth0(): Promise<FakeAuth0> {
  const valid = new Set<string>()
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      // A string body goes as it is (a proxy's text page), anything else as JSON.
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        typeof body === 'string'
          ? response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body)
          : response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as Record<string, unknown> | null
      if (request.method === 'POST' && request.url === '/oauth/token') {
        fake.tokens += 1
        const failure = fake.tokenFailures.shift()
        if (failure !== undefined) return json(failure, { error: 'server_error', error_description: 'The token service is resting' })
        const expected = {
          grant_type: 'client_credentials',
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          audience: `https://${DOMAIN}/api/v2/`,
        }
        if (JSON.stringify(body) !== JSON.stringify(expected)) {
          fake.refusedTokens.push(JSON.stringify(body))
          return json(401, { error: 'access_denied', error_description: 'Unauthorized' })
        }
        const token = `token-${fake.tokens}`
        valid.add(token)
        return json(200, { access_token: token, expires_in: fake.tokenLifetime, token_type: 'Bearer', scope: 'update:users' })
      }
      const user = /^\/api\/v2\/users\/([^/?]+)$/.exec(request.url ?? '')
      if (request.method === 'PATCH' && user !== null) {
        const token = (request.headers.authorization ?? '').replace(/^Bearer /, '')
        if (!valid.has(token)) {
          fake.unauthorized += 1
          return json(401, { statusCode: 401, error: 'Unauthorized', message: 'Invalid token' })
        }
        const patch = { user: decodeURIComponent(user[1] as string), path: request.url as string, body, token }
        fake.patches.push(patch)
        const answer = fake.patchAnswer(patch, fake.patches.filter((p) => p.user === patch.user).length)
        if (answer === undefined) return json(200, { user_id: patch.user, app_metadata: (body as { app_metadata: unknown }).app_metadata })
        return json(answer.status, answer.body ?? {}, answer.headers)
      }
      json(404, { statusCode: 404, error: 'Not Found', message: 'Not found' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const fake: FakeAuth0 = {
    url: `http://127.0.0.1:${port}`,
    tokens: 0,
    refusedTokens: [],
    patches: [],
    unauthorized: 0,
    tokenLifetime: 86_400,
    tokenFailures: [],
    patchAnswer: () => undefined,
    revokeTokens: () => valid.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return fake
}
