// A local stand-in for Twilio's REST API (node:http): Messages (records each send, answers a unique SM sid) and an
// account's IncomingPhoneNumbers (lists and updates its numbers, checks basic auth, records each request).
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

/** A number of the account, as the mock holds it (updates change it). */
export interface MockNumber {
  sid: string
  phoneNumber: string
  smsUrl: string
  smsMethod: string
  smsApplicationSid?: string
}

/** A request to the IncomingPhoneNumbers API, as it came. */
export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  form: Record<string, string>
  authorization: string | undefined
}

/** The account whose IncomingPhoneNumbers the mock serves. */
export interface MockAccount {
  accountSid: string
  authToken: string
  numbers: MockNumber[]
  /** Return a reply to answer a request with it instead (an error, say). */
  respond?: (request: RecordedRequest) => MockReply | undefined
}

export interface MockTwilio {
  url: string
  messages: MockMessage[]
  /** The account's numbers as they are now, and the IncomingPhoneNumbers requests received. */
  numbers: MockNumber[]
  requests: RecordedRequest[]
  close(): Promise<void>
}

export interface MockTwilioOptions {
  port?: number
  /** Return a reply to answer a send with an error instead of accepting it. */
  respond?: (message: Omit<MockMessage, 'sid'>) => MockReply | undefined
  /** Keep only a count, not the messages (for long benchmark runs). */
  countOnly?: boolean
  onMessage?: (message: MockMessage) => void
  /** Serve this account's IncomingPhoneNumbers too. */
  account?: MockAccount
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/
const NUMBERS_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/IncomingPhoneNumbers(?:\/(PN[0-9a-fA-F]{32}))?\.json$/

type Send = (status: number, body: Record<string, unknown>) => void

const notFound = (send: Send, path: string) =>
  send(404, {
    code: 20404,
    message: `The requested resource ${path} was not found`,
    more_info: 'https://www.twilio.com/docs/errors/20404',
    status: 404,
  })

/** Messages.json: a send, accepted with a new sid unless the options script an error. */
async function answerMessage(
  options: MockTwilioOptions,
  messages: MockMessage[],
  req: IncomingMessage,
  accountSid: string,
  send: Send,
): Promise<void> {
  const form = new URLSearchParams(await readBody(req))
  const incoming = {
    accountSid,
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
}

/** IncomingPhoneNumbers: the list (filtered by PhoneNumber, as Twilio does) and updates of one number's SMS webhook. */
function numbersApi(account: MockAccount | undefined, numbers: MockNumber[], requests: RecordedRequest[]) {
  const expectedAuth = account === undefined ? '' : `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`
  const resource = (n: MockNumber) => ({
    sid: n.sid,
    account_sid: account?.accountSid,
    phone_number: n.phoneNumber,
    friendly_name: n.phoneNumber,
    sms_url: n.smsUrl,
    sms_method: n.smsMethod,
    sms_application_sid: n.smsApplicationSid ?? '',
    sms_fallback_url: '',
    sms_fallback_method: 'POST',
    voice_url: null,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    status: 'in-use',
    uri: `/2010-04-01/Accounts/${account?.accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
  })
  return async (req: IncomingMessage, url: URL, match: RegExpExecArray, send: Send): Promise<void> => {
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      form: Object.fromEntries(new URLSearchParams(await readBody(req))),
      authorization: req.headers.authorization,
    }
    requests.push(request)
    const scripted = account?.respond?.(request)
    if (scripted !== undefined) return send(scripted.status, scripted.body)
    if (account === undefined || match[1] !== account.accountSid) return notFound(send, url.pathname)
    if (request.authorization !== expectedAuth) {
      return send(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 })
    }
    const sid = match[2]
    if (sid === undefined && request.method === 'GET') {
      // Twilio matches partial numbers too (and '*' for any digit): so does the mock, so callers must pick the exact one.
      const wanted = new RegExp((request.query.PhoneNumber ?? '').replace(/[^0-9*]/g, '').replace(/\*/g, '[0-9]'))
      const found = numbers.filter((n) => wanted.test(n.phoneNumber))
      return send(200, {
        incoming_phone_numbers: found.map(resource),
        end: Math.max(found.length - 1, 0),
        first_page_uri: `${url.pathname}?PageSize=50&Page=0`,
        next_page_uri: null,
        page: 0,
        page_size: Number(request.query.PageSize ?? 50),
        previous_page_uri: null,
        start: 0,
        uri: `${url.pathname}${url.search}`,
      })
    }
    const number = sid === undefined ? undefined : numbers.find((n) => n.sid === sid)
    if (number === undefined || request.method !== 'POST') return notFound(send, url.pathname)
    if (request.form.SmsUrl !== undefined) number.smsUrl = request.form.SmsUrl
    if (request.form.SmsMethod !== undefined) number.smsMethod = request.form.SmsMethod
    return send(200, resource(number))
  }
}

export async function startMockTwilio(options: MockTwilioOptions = {}): Promise<MockTwilio> {
  const messages: MockMessage[] = []
  const numbers = (options.account?.numbers ?? []).map((n) => ({ ...n }))
  const requests: RecordedRequest[] = []
  const answerNumbers = numbersApi(options.account, numbers, requests)
  const server: Server = createServer((req, res) => {
    void (async () => {
      const send: Send = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      const url = new URL(req.url ?? '/', 'http://mock.test')
      const message = MESSAGES_PATH.exec(url.pathname)
      if (message !== null && req.method === 'POST') return answerMessage(options, messages, req, message[1] as string, send)
      const number = NUMBERS_PATH.exec(url.pathname)
      if (number !== null) return answerNumbers(req, url, number, send)
      return notFound(send, url.pathname)
    })()
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    numbers,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
