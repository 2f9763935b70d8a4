// What holds the outbox back: requests counted from arrival to response (or a client gone), background routes left out, a linger after.
import Fastify from 'fastify'
import { request as httpRequest } from 'node:http'
import t, { type Test } from 'tap'
import { trackForeground } from '../src/foreground.js'

/** An app whose /slow answers when `release()` is called, with the foreground tracked on a clock the test moves. */
async function slowApp(t: Test) {
  const app = Fastify()
  let now = 1000
  const foreground = trackForeground(app, { background: new Set(['/sms/status']), lingerMs: 50, now: () => now })
  let release!: () => void
  let arrived!: () => void
  const arrival = new Promise<void>((resolve) => (arrived = resolve))
  const released = new Promise<void>((resolve) => (release = resolve))
  app.get('/slow', async () => {
    arrived()
    await released
    return 'done'
  })
  app.post('/sms/status', async () => {
    arrived()
    await released
    return ''
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { app, foreground, port, arrival, release, advance: (ms: number) => (now += ms) }
}

t.test('a request is in the foreground from its arrival to its response, and lingers lingerMs', async (t) => {
  const { foreground, port, arrival, release, advance } = await slowApp(t)
  t.equal(foreground.busy(), false, 'idle before any request')
  const answered = fetch(`http://127.0.0.1:${port}/slow`).then((response) => response.text())
  await arrival
  t.equal(foreground.busy(), true, 'busy while it is being answered')
  advance(10_000)
  t.equal(foreground.busy(), true, 'however long it takes')
  release()
  t.equal(await answered, 'done')
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(foreground.busy(), true, 'still busy just after the response')
  advance(49)
  t.equal(foreground.busy(), true, '49 ms after')
  advance(1)
  t.equal(foreground.busy(), false, 'idle 50 ms after')
})

t.test('a client that goes away before the answer leaves the foreground', async (t) => {
  const { foreground, port, arrival, release, advance } = await slowApp(t)
  const req = httpRequest({ host: '127.0.0.1', port, path: '/slow' })
  req.on('error', () => {})
  req.end()
  await arrival
  t.equal(foreground.busy(), true)
  const closed = new Promise((resolve) => req.once('close', resolve))
  req.destroy()
  await closed
  // The server hears the socket close on its own turn of the event loop.
  for (let i = 0; i < 20 && foreground.busy(); i++) {
    advance(100)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  t.equal(foreground.busy(), false, 'not counted forever')
  release()
})

t.test('a background route (status callbacks) never counts', async (t) => {
  const { foreground, port, arrival, release } = await slowApp(t)
  const answered = fetch(`http://127.0.0.1:${port}/sms/status`, { method: 'POST' })
  await arrival
  t.equal(foreground.busy(), false, 'idle while a status callback is answered')
  release()
  t.equal((await answered).status, 200)
  t.equal(foreground.busy(), false, 'and after it')
})

t.test('a request no route matches counts like any other', async (t) => {
  const { foreground, port, advance } = await slowApp(t)
  t.equal((await fetch(`http://127.0.0.1:${port}/nowhere`)).status, 404)
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(foreground.busy(), true)
  advance(50)
  t.equal(foreground.busy(), false)
})
