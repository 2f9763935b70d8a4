// The few parts of oidc-provider (it ships no types) that the tests' identity provider uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface Account {
    accountId: string
    claims(use: string, scope: string): Promise<Record<string, unknown>>
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    /** The Koa application's request handler, for a server of one's own. */
    callback(): (request: IncomingMessage, response: ServerResponse) => void
  }
}
