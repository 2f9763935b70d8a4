// A local stand-in for Twilio's Messages API (node:http): records each send and answers with a unique SM sid.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { newMessageSid } from '../twilio/sids.js'

export interface MockMessage {
  sid: string
  accountSid: string
  to: string
  from: string | undefined
  messagingServiceSid: string | undefined
  body: string
  statusCallback: string | undefined
  authorization: string | undefined
}

export interface MockReply {
  status: number
  body: Record<string, unknown>
}

export interface MockTwilio {
  url: string
  messages: MockMessage[]
  close(): Promise<void>
}

export interface MockTwilioOptions {
  port?: number
  /** Return a reply to answer a send with an error instead of accepting it. */
  respond?: (message: Omit<MockMessage, 'sid'>) => MockReply | undefined
  /** Keep only a count, not the messages (for long benchmark runs). */
  countOnly?: boolean
  onMessage?: (message: MockMessage) => void
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/

export async function startMockTwilio(options: MockTwilioOptions = {}): Promise<MockTwilio> {
  const messages: MockMessage[] = []
  const server: Server = createServer((req, res) => {
    void (async () => {
      const match = MESSAGES_PATH.exec(req.url ?? '')
      const send = (status: number, body: Record<string, unknown>) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (req.method !== 'POST' || match === null) return send(404, { code: 20404, message: 'The requested resource was not found', status: 404 })
      const form = new URLSearchParams(await readBody(req))
      const incoming = {
        accountSid: match[1] as string,
        to: form.get('To') ?? '',
        from: form.get('From') ?? undefined,
        messagingServiceSid: form.get('MessagingServiceSid') ?? undefined,
        body: form.get('Body') ?? '',
        statusCallback: form.get('StatusCallback') ?? undefined,
        authorization: req.headers.authorization,
      }
      const scripted = options.respond?.(incoming)
      if (scripted !== undefined) return send(scripted.status, scripted.body)
      const message = { sid: newMessageSid(), ...incoming }
      if (options.countOnly !== true) messages.push(message)
      options.onMessage?.(message)
      const now = new Date().toUTCString()
      send(201, {
        sid: message.sid,
        account_sid: message.accountSid,
        to: message.to,
        from: message.from ?? null,
        messaging_service_sid: message.messagingServiceSid ?? null,
        body: message.body,
        status: 'queued',
        num_segments: '1',
        num_media: '0',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        price: null,
        price_unit: 'USD',
        error_code: null,
        error_message: null,
        date_created: now,
        date_updated: now,
        date_sent: null,
        uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}.json`,
        subresource_uris: { media: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}/Media.json` },
      })
    })()
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
