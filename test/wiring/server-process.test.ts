// The server as smsbot tunnel runs it: ready when /healthz answers 200, stopped by SIGTERM, and ends noticed.
import { join } from 'node:path'
import t from 'tap'
import { startServerProcess } from '../../src/wiring/server-process.js'
import { SERVER } from '../process.js'
import { freePort } from '../ports.js'

const baseEnv = () => ({ PATH: process.env.PATH ?? '', NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE ?? '' })

t.test('the built server is ready once /healthz answers, and stops on SIGTERM', async (t) => {
  const port = await freePort()
  const env = { ...baseEnv(), PORT: String(port), DATABASE_PATH: join(t.testdir(), 'smsbot.sqlite'), LOG_LEVEL: 'silent' }
  const server = startServerProcess([process.execPath, SERVER], env, `http://127.0.0.1:${port}/healthz`, { output: 'ignore' })
  await server.ready
  t.same(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json(), { status: 'ok' })
  server.stop()
  t.same(await server.exited, { code: 0, signal: null }, 'a clean shutdown')
  server.stop() // already ended: nothing to do
})

t.test('answers other than 200, and no answer yet, mean not ready', async (t) => {
  const port = await freePort()
  // Listens only after its first tick, then answers 503 twice before 200.
  const script =
    "let n = 0; setTimeout(() => require('node:http').createServer((q, s) => { s.statusCode = n++ < 2 ? 503 : 200; s.end(String(n)) })" +
    `.listen(${port}, '127.0.0.1'), 50)`
  const server = startServerProcess([process.execPath, '-e', script], baseEnv(), `http://127.0.0.1:${port}/healthz`, {
    output: 'ignore',
    pollMs: 5,
  })
  await server.ready
  const answer = await (await fetch(`http://127.0.0.1:${port}/`)).text()
  t.equal(answer, '4', 'ready on the third answer, so this is the fourth request')
  server.stop()
  t.same(await server.exited, { code: null, signal: 'SIGTERM' })
})

t.test('a server that ends before it is ready rejects ready, and the exit is reported', async (t) => {
  const port = await freePort()
  const server = startServerProcess([process.execPath, '-e', 'process.exit(3)'], baseEnv(), `http://127.0.0.1:${port}/healthz`, {
    output: 'ignore',
    pollMs: 5,
  })
  await t.rejects(server.ready, /ended before it was ready/)
  t.same(await server.exited, { code: 3, signal: null })
})

t.test('a command that cannot run at all ends at once', async (t) => {
  const server = startServerProcess([join(t.testdir(), 'no-such-command')], baseEnv(), 'http://127.0.0.1:9/healthz', { output: 'ignore' })
  t.same(await server.exited, { code: null, signal: null })
  await t.rejects(server.ready)
  server.stop()
})
