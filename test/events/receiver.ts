// A local receiver of smsbot's events: checks every delivery with the standardwebhooks library and keeps what arrived.
import { randomBytes } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import { Webhook } from 'standardwebhooks'

export const EVENTS_SECRET = `whsec_${randomBytes(32).toString('base64')}`

export interface Delivery {
  id: string
  /** The webhook-timestamp header (seconds). */
  timestamp: string
  body: { type: string; timestamp: string; data: Record<string, unknown> }
}

/** What the receiver answers a verified delivery: a status, or 'hold' (never answer). */
export type Answer = number | 'hold'

export interface Receiver {
  url: string
  port: number
  /** Every verified delivery, in order of arrival (answered or not). */
  deliveries: Delivery[]
  /** Requests whose signature did not verify (they are answered 400). */
  rejected: string[]
  answer: (delivery: Delivery, nth: number) => Answer
  /** How many deliveries of this webhook-id arrived. */
  count(id: string): number
  close(): Promise<void>
}

export async function startReceiver(options: { secret?: string; port?: number; answer?: Receiver['answer'] } = {}): Promise<Receiver> {
  const verifier = new Webhook(options.secret ?? EVENTS_SECRET)
  const held: ServerResponse[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body: Delivery['body']
      try {
        body = verifier.verify(raw, request.headers as Record<string, string>) as Delivery['body']
      } catch (err) {
        receiver.rejected.push((err as Error).message)
        return response.writeHead(400).end('bad signature')
      }
      const delivery = { id: String(request.headers['webhook-id']), timestamp: String(request.headers['webhook-timestamp']), body }
      receiver.deliveries.push(delivery)
      const answer = receiver.answer(delivery, receiver.count(delivery.id))
      if (answer === 'hold') return void held.push(response)
      // A redirect points back here: were it followed, the same delivery would arrive twice.
      const location = answer >= 300 && answer < 400 ? { location: `${receiver.url}?followed` } : {}
      response.writeHead(answer, { 'content-type': 'text/plain', ...location }).end(answer >= 400 ? `receiver says no (${answer})` : 'ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/smsbot-events`,
    port,
    deliveries: [],
    rejected: [],
    answer: options.answer ?? (() => 200),
    count: (id) => receiver.deliveries.filter((d) => d.id === id).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of held) response.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return receiver
}

/** Polls `condition` (real time) until it holds; fails after `timeoutMs` naming `what`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
