// A local stand-in for Twilio's IncomingPhoneNumbers API (node:http): keeps numbers, records each request, checks basic auth.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface MockNumber {
  sid: string
  phoneNumber: string
  smsUrl: string
  smsMethod: string
  smsApplicationSid?: string
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  form: Record<string, string>
  authorization: string | undefined
}

export interface MockReply {
  status: number
  body: Record<string, unknown>
}

export interface MockNumbers {
  url: string
  /** The account's numbers as the mock holds them now (updates change them). */
  numbers: MockNumber[]
  requests: RecordedRequest[]
  close(): Promise<void>
}

export interface MockNumbersOptions {
  accountSid: string
  authToken: string
  numbers: MockNumber[]
  /** Return a reply to answer a request with it instead (an error, say). */
  respond?: (request: RecordedRequest) => MockReply | undefined
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const LIST = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/IncomingPhoneNumbers\.json$/
const ONE = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/IncomingPhoneNumbers\/(PN[0-9a-fA-F]{32})\.json$/

export async function startMockNumbers(options: MockNumbersOptions): Promise<MockNumbers> {
  const numbers = options.numbers.map((n) => ({ ...n }))
  const requests: RecordedRequest[] = []
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`
  const resource = (n: MockNumber) => ({
    sid: n.sid,
    account_sid: options.accountSid,
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
    uri: `/2010-04-01/Accounts/${options.accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
  })

  const server = createServer((req, res) => {
    void (async () => {
      const send = (status: number, body: Record<string, unknown>) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      const url = new URL(req.url ?? '/', 'http://mock.test')
      const request: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        form: Object.fromEntries(new URLSearchParams(await readBody(req))),
        authorization: req.headers.authorization,
      }
      requests.push(request)
      const scripted = options.respond?.(request)
      if (scripted !== undefined) return send(scripted.status, scripted.body)
      const notFound = () => send(404, { code: 20404, message: `The requested resource ${url.pathname} was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 })
      const list = LIST.exec(url.pathname)
      const one = ONE.exec(url.pathname)
      if ((list ?? one)?.[1] !== options.accountSid) return notFound()
      if (request.authorization !== expectedAuth) {
        return send(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 })
      }
      if (list !== null && request.method === 'GET') {
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
      const number = one === null ? undefined : numbers.find((n) => n.sid === one[2])
      if (number === undefined || request.method !== 'POST') return notFound()
      if (request.form.SmsUrl !== undefined) number.smsUrl = request.form.SmsUrl
      if (request.form.SmsMethod !== undefined) number.smsMethod = request.form.SmsMethod
      return send(200, resource(number))
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    numbers,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
