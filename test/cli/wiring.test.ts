// smsbot wire and smsbot tunnel: the Twilio half against a recording mock, a fake tunnel, and every refusal's sentence.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { wiringCopy } from '../../src/cli/copy.js'
import { runCli, USAGE } from '../../src/cli/main.js'
import { runTunnel, type WiringDeps } from '../../src/cli/wiring.js'
import { inboundParams, signWebhook } from '../../src/twilio/simulate.js'
import { startServerProcess, type ServerExit, type StartServer } from '../../src/wiring/server-process.js'
import { TunnelError, type Tunnel } from '../../src/wiring/tunnel.js'
import { ACCOUNT_SID, AUTH_TOKEN, type TapT } from '../helpers.js'
import { SERVER } from '../process.js'
import { startMockTwilio, type MockAccount } from '../../src/dev/mock-twilio.js'

const SID = `PN${'1'.repeat(32)}`
const PHONE = '+15551234567'
const MASKED = '+1******4567'
const TUNNEL_URL = 'https://abc123.ngrok-free.app'
const DEMO = 'https://demo.twilio.com/welcome/sms/reply'

function io(env: Record<string, string>, onOut?: (line: string) => void) {
  const out: string[] = []
  const err: string[] = []
  return {
    env,
    out: (l: string) => {
      out.push(l)
      onOut?.(l)
    },
    err: (l: string) => void err.push(l),
    lines: { out, err },
  }
}

async function setup(t: TapT, options: Partial<MockAccount> = {}) {
  const mock = await startMockTwilio({
    account: {
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      numbers: [{ sid: SID, phoneNumber: PHONE, smsUrl: DEMO, smsMethod: 'GET' }],
      ...options,
    },
  })
  t.teardown(() => mock.close())
  const dir = t.testdir()
  const env = {
    DATABASE_PATH: join(dir, 'data', 'smsbot.sqlite'),
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: PHONE,
    TWILIO_API_URL: mock.url,
  }
  return { mock, env, record: join(dir, 'data', 'twilio-webhook.json'), number: () => mock.numbers[0]! }
}

t.test('wire points the number at PUBLIC_URL/sms and --restore puts the old webhook back', async (t) => {
  const { env, record, number } = await setup(t)
  const wire = io(env)
  t.equal(await runCli(['wire', TUNNEL_URL], wire), 0)
  t.same(wire.lines.out, [
    `Twilio number ${MASKED} now sends incoming SMS to ${TUNNEL_URL}/sms (POST).`,
    `Before, it sent them to ${DEMO} (GET); smsbot wire --restore puts that back.`,
    `Run the server with PUBLIC_URL=${TUNNEL_URL} so that it checks Twilio's signatures against that URL.`,
  ])
  t.same(wire.lines.err, [])
  t.equal(number().smsUrl, `${TUNNEL_URL}/sms`)
  t.equal(number().smsMethod, 'POST')
  t.ok(existsSync(record), `the previous webhook is kept in ${record}`)

  const restore = io(env)
  t.equal(await runCli(['wire', '--restore'], restore), 0)
  t.same(restore.lines.out, [`Twilio number ${MASKED} sends incoming SMS to ${DEMO} (GET) again.`])
  t.equal(number().smsUrl, DEMO)
  t.equal(number().smsMethod, 'GET')
  t.notOk(existsSync(record))

  const again = io(env)
  t.equal(await runCli(['wire', '--restore'], again), 0)
  t.same(again.lines.out, [`Nothing to restore: no webhook change by smsbot is recorded in ${record}.`])
})

t.test('wire: no reminder when PUBLIC_URL already matches; notes for no webhook before and for a TwiML app', async (t) => {
  const { env, mock } = await setup(t, {
    numbers: [{ sid: SID, phoneNumber: PHONE, smsUrl: '', smsMethod: 'POST', smsApplicationSid: `AP${'a'.repeat(32)}` }],
  })
  const wire = io({ ...env, PUBLIC_URL: `${TUNNEL_URL}/` })
  t.equal(await runCli(['wire', TUNNEL_URL], wire), 0)
  t.same(wire.lines.out, [
    `Twilio number ${MASKED} now sends incoming SMS to ${TUNNEL_URL}/sms (POST).`,
    'It had no SMS webhook before; smsbot wire --restore removes this one.',
    `Note: TwiML app AP${'a'.repeat(32)} handles this number's SMS, and Twilio then ignores the number's own webhook. ` +
      `In the Twilio console, set the number's "A message comes in" to Webhook.`,
  ])
  const restore = io(env)
  t.equal(await runCli(['wire', '--restore'], restore), 0)
  t.same(restore.lines.out, [`Twilio number ${MASKED} has no SMS webhook again, as before smsbot set one.`])
  t.same(mock.requests.at(-1)?.form, { SmsUrl: '', SmsMethod: 'POST' })
})

t.test('wire --restore leaves a webhook someone changed since', async (t) => {
  const { env, number } = await setup(t)
  t.equal(await runCli(['wire', TUNNEL_URL], io(env)), 0)
  number().smsUrl = 'https://production.example.org/sms'
  const restore = io(env)
  t.equal(await runCli(['wire', '--restore'], restore), 0)
  t.same(restore.lines.out, [
    `Left Twilio number ${MASKED} as it is: its SMS webhook was changed to https://production.example.org/sms after smsbot set it.`,
  ])
  t.equal(number().smsUrl, 'https://production.example.org/sms')
})

t.test('wire: every refusal says what to fix', async (t) => {
  const { env, record } = await setup(t)
  const cases: Array<[string[], Record<string, string>, number, string | RegExp]> = [
    [['wire'], env, 2, /^smsbot: wire needs the public base URL Twilio should call/],
    [['wire', 'a', 'b'], env, 2, /^smsbot: wire needs the public base URL/],
    [['wire', 'ftp://x.example'], env, 2, /^smsbot: "ftp:\/\/x\.example" is not an http\(s\) URL without query/],
    [['wire', 'https://x.example/?a=1'], env, 2, /is not an http\(s\) URL without query/],
    [['wire', 'not a url'], env, 2, /"not a url" is not an http\(s\) URL/],
    [['wire', '--restore', TUNNEL_URL], env, 2, /^smsbot: wire --restore takes no URL/],
    [['wire', TUNNEL_URL], { ...env, PORT: 'eighty' }, 1, /PORT must be a whole number/],
    [
      ['wire', TUNNEL_URL],
      { DATABASE_PATH: env.DATABASE_PATH },
      1,
      "smsbot wire changes your Twilio number's SMS webhook, so it needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER: " +
        'set them in the environment or .env (see template.env).',
    ],
    [
      ['wire', TUNNEL_URL],
      { ...env, TWILIO_PHONE_NUMBER: '', TWILIO_MESSAGING_SERVICE_SID: `MG${'0'.repeat(32)}` },
      1,
      "smsbot wire changes your Twilio number's SMS webhook, so it needs TWILIO_PHONE_NUMBER: " +
        'set it in the environment or .env (see template.env).',
    ],
    [
      ['wire', TUNNEL_URL],
      { ...env, TWILIO_AUTH_TOKEN: 'a-wrong-token-0123456789' },
      1,
      `Twilio refused the credentials for account ${ACCOUNT_SID} (401, error 20003): ` +
        'check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN against the Account Info on https://console.twilio.com ' +
        '(live credentials, not test ones).',
    ],
    [
      ['wire', TUNNEL_URL],
      { ...env, TWILIO_PHONE_NUMBER: '+16175550100' },
      1,
      `+1******0100 is not a phone number of Twilio account ${ACCOUNT_SID}: set TWILIO_PHONE_NUMBER to one of the account's ` +
        'active numbers (Phone Numbers → Manage → Active numbers), in E.164 form such as +15551234567.',
    ],
    [
      ['wire', TUNNEL_URL],
      { ...env, TWILIO_API_URL: 'http://127.0.0.1:9' },
      1,
      new RegExp(
        String.raw`^Cannot reach Twilio's API at http://127\.0\.0\.1:9 \(ECONNREFUSED.*\): ` +
          String.raw`check your internet connection, or TWILIO_API_URL if you set it\.$`,
      ),
    ],
  ]
  for (const [argv, caseEnv, code, message] of cases) {
    const cli = io(caseEnv)
    t.equal(await runCli(argv, cli), code, argv.join(' '))
    t.match(cli.lines.err.join('\n'), message, argv.join(' '))
    if (code === 2) t.match(cli.lines.err.join('\n'), USAGE, 'with the usage')
    t.same(cli.lines.out, [], 'and nothing claimed done')
  }
  t.notOk(existsSync(record), 'no refusal left a record behind')

  mkdirSync(join(record, '..'), { recursive: true })
  writeFileSync(record, '{"wiredUrl":')
  const bad = io(env)
  t.equal(await runCli(['wire', '--restore'], bad), 1)
  t.same(bad.lines.err, [
    `${record} is not a webhook record smsbot wrote: put the previous webhook back in the Twilio console, then delete that file.`,
    'Once that is fixed, smsbot wire --restore puts the previous webhook back.',
  ])
})

t.test('wire: Twilio’s other refusals are shown as Twilio gave them', async (t) => {
  const { env } = await setup(t, {
    respond: (r) => (r.method === 'POST' ? { status: 400, body: { code: 21402, message: 'SmsUrl is not valid', status: 400 } } : undefined),
  })
  const cli = io(env)
  t.equal(await runCli(['wire', 'http://localhost:3000'], cli), 1)
  t.same(cli.lines.err, ['Twilio answered 400 (error 21402): SmsUrl is not valid'])
})

/** A tunnel that opens at once, or refuses, and counts its closes. */
function fakeTunnel(refuse?: TunnelError) {
  const opened: Array<{ port: number; host: string }> = []
  let closed = 0
  const tunnel: Tunnel = {
    open: async (port, host) => {
      opened.push({ port, host })
      if (refuse !== undefined) throw refuse
      return { url: TUNNEL_URL, close: async () => void (closed += 1) }
    },
  }
  return { tunnel, opened, closed: () => closed }
}

/** A server process the test moves along: ready(), end(exit); stop() ends it as SIGTERM would. */
function fakeServer() {
  const started: Array<{ command: string[]; env: Record<string, string | undefined>; healthUrl: string }> = []
  let markReady!: () => void
  let markEnded!: (exit: ServerExit) => void
  let ended = false
  let stops = 0
  const exited = new Promise<ServerExit>((resolve) => (markEnded = resolve))
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve
    void exited.then(() => reject(new Error('ended')))
  })
  const end = (exit: ServerExit) => {
    ended = true
    markEnded(exit)
  }
  const start: StartServer = (command, env, healthUrl) => {
    started.push({ command, env, healthUrl })
    return {
      ready,
      exited,
      stop: () => {
        stops += 1
        if (!ended) end({ code: 0, signal: null })
      },
    }
  }
  return { start, started, ready: () => markReady(), end, stops: () => stops }
}

function fakeSignals() {
  const listeners = new Set<(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => void>()
  return {
    onSignal: (listener: (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => void) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    send: (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => {
      for (const listener of listeners) listener(signal)
    },
    count: () => listeners.size,
  }
}

t.test('tunnel: opens the tunnel, starts the server with PUBLIC_URL, wires the number, and puts it all back on Ctrl-C', async (t) => {
  const { env, number, record } = await setup(t)
  const tunnel = fakeTunnel()
  const server = fakeServer()
  const signals = fakeSignals()
  const cli = io({ ...env, PORT: '3999', HOST: '0.0.0.0' }, (line) => {
    if (line.startsWith('Starting smsbot')) server.ready()
    if (line === wiringCopy.ready) {
      t.equal(number().smsUrl, `${TUNNEL_URL}/sms`, 'wired while running')
      signals.send('SIGINT')
    }
  })
  const deps: WiringDeps = {
    tunnel: tunnel.tunnel,
    startServer: server.start,
    serverCommand: ['node', 'server.js'],
    onSignal: signals.onSignal,
  }
  t.equal(await runTunnel([], cli, deps), 0)
  t.same(cli.lines.out, [
    `Tunnel open: ${TUNNEL_URL} → http://127.0.0.1:3999`,
    `Starting smsbot with PUBLIC_URL=${TUNNEL_URL}`,
    `Twilio number ${MASKED} now sends incoming SMS to ${TUNNEL_URL}/sms (POST).`,
    `Before, it sent them to ${DEMO} (GET); smsbot wire --restore puts that back.`,
    'Ready: text your Twilio number. Ctrl-C stops the server and the tunnel and puts the previous webhook back.',
    'Stopping: putting the previous webhook back.',
    `Twilio number ${MASKED} sends incoming SMS to ${DEMO} (GET) again.`,
    'Tunnel closed.',
  ])
  t.same(cli.lines.err, [])
  t.same(tunnel.opened, [{ port: 3999, host: '127.0.0.1' }], 'to the local port')
  t.equal(tunnel.closed(), 1)
  t.equal(server.started.length, 1)
  t.same(server.started[0]?.command, ['node', 'server.js'])
  t.equal(server.started[0]?.env.PUBLIC_URL, TUNNEL_URL)
  t.equal(server.started[0]?.env.TWILIO_API_URL, env.TWILIO_API_URL, 'the rest of the environment is passed on')
  t.equal(server.started[0]?.healthUrl, 'http://127.0.0.1:3999/healthz')
  t.equal(server.stops(), 1)
  t.equal(number().smsUrl, DEMO)
  t.notOk(existsSync(record))
  t.equal(signals.count(), 0, 'no signal handler is left behind')
})

t.test('tunnel: the server stopping on its own (a crash, or Ctrl-C reaching it first) still puts the webhook back', async (t) => {
  for (const [exit, code, said] of [
    [{ code: 1, signal: null }, 1, 'The server stopped (exit code 1); its messages are above.'],
    [{ code: 0, signal: null }, 0, 'Stopping: putting the previous webhook back.'],
    [{ code: null, signal: 'SIGINT' }, 0, 'Stopping: putting the previous webhook back.'],
  ] as const) {
    const { env, number } = await setup(t)
    const tunnel = fakeTunnel()
    const server = fakeServer()
    const cli = io({ ...env, PORT: '3999' }, (line) => {
      if (line.startsWith('Starting smsbot')) server.ready()
      if (line === wiringCopy.ready) server.end(exit)
    })
    t.equal(await runTunnel([], cli, { tunnel: tunnel.tunnel, startServer: server.start, onSignal: fakeSignals().onSignal }), code)
    t.ok([...cli.lines.out, ...cli.lines.err].includes(said), said)
    t.equal(number().smsUrl, DEMO, 'restored')
    t.equal(tunnel.closed(), 1)
  }
})

t.test('tunnel: a server that never gets ready, or a stop before it is, changes nothing at Twilio', async (t) => {
  const { env, mock, number } = await setup(t)
  const early = fakeServer()
  const tunnel = fakeTunnel()
  const crashed = io({ ...env, PORT: '3999' }, (line) => {
    if (line.startsWith('Starting smsbot')) early.end({ code: 1, signal: null })
  })
  t.equal(await runTunnel([], crashed, { tunnel: tunnel.tunnel, startServer: early.start, onSignal: fakeSignals().onSignal }), 1)
  t.same(crashed.lines.err, [
    'The server stopped before it was ready (exit code 1); its messages are above. The Twilio webhook was not changed.',
  ])
  t.equal(crashed.lines.out.at(-1), 'Tunnel closed.')
  t.equal(tunnel.closed(), 1)

  const slow = fakeServer()
  const signals = fakeSignals()
  const stopped = io({ ...env, PORT: '3999' }, (line) => {
    if (line.startsWith('Starting smsbot')) signals.send('SIGTERM')
  })
  t.equal(await runTunnel([], stopped, { tunnel: tunnel.tunnel, startServer: slow.start, onSignal: signals.onSignal }), 0)
  t.equal(slow.stops(), 1, 'the server is stopped')
  t.equal(stopped.lines.out.at(-1), 'Tunnel closed.')
  t.equal(number().smsUrl, DEMO)
  t.notOk(
    mock.requests.some((r) => r.method === 'POST'),
    'no update was sent',
  )
})

t.test('tunnel: every refusal says what to fix, before anything is opened where it can be', async (t) => {
  const { env, mock } = await setup(t)
  const cases: Array<[string[], Record<string, string>, number, string | RegExp]> = [
    [['tunnel', 'now'], env, 2, /^smsbot: tunnel takes no arguments/],
    [['tunnel'], { ...env, PORT: 'x' }, 1, /PORT must be a whole number/],
    [
      ['tunnel'],
      env,
      1,
      'NGROK_AUTHTOKEN is not set: copy your authtoken from https://dashboard.ngrok.com/get-started/your-authtoken ' +
        '(a free ngrok account will do) into .env as NGROK_AUTHTOKEN=…',
    ],
    [['tunnel'], { ...env, NGROK_AUTHTOKEN: '  ' }, 1, /^NGROK_AUTHTOKEN is not set/],
    [
      ['tunnel'],
      { DATABASE_PATH: env.DATABASE_PATH, NGROK_AUTHTOKEN: 'x' },
      1,
      /^smsbot tunnel changes your Twilio number's SMS webhook, so it needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER/,
    ],
    [
      ['tunnel'],
      { ...env, NGROK_AUTHTOKEN: 'x', PORT: '0' },
      1,
      'smsbot tunnel needs a fixed PORT to forward to (got 0): set PORT, e.g. PORT=3000.',
    ],
    [
      ['tunnel'],
      { ...env, NGROK_AUTHTOKEN: 'x', TWILIO_AUTH_TOKEN: 'a-wrong-token-0123456789' },
      1,
      /^Twilio refused the credentials for account AC/,
    ],
    [
      ['tunnel'],
      { ...env, NGROK_AUTHTOKEN: 'x', TWILIO_PHONE_NUMBER: '+16175550100' },
      1,
      /^\+1\*\*\*\*\*\*0100 is not a phone number of Twilio account/,
    ],
  ]
  for (const [argv, caseEnv, code, message] of cases) {
    const cli = io(caseEnv)
    t.equal(await runCli(argv, cli), code, argv.join(' '))
    t.match(cli.lines.err.join('\n'), message, argv.join(' '))
    t.same(cli.lines.out, [], 'no tunnel was opened')
  }
  t.notOk(
    mock.requests.some((r) => r.method === 'POST'),
    'the number was never changed',
  )

  const refusals: Array<[TunnelError, string]> = [
    [
      new TunnelError({ kind: 'token', detail: 'ERR_NGROK_105' }),
      'ngrok refused NGROK_AUTHTOKEN: copy your authtoken again from https://dashboard.ngrok.com/get-started/your-authtoken. ' +
        '(ngrok said: ERR_NGROK_105)',
    ],
    [
      new TunnelError({ kind: 'busy', detail: 'ERR_NGROK_108' }),
      'ngrok refused the tunnel: your ngrok account already has an agent session open (the free plan allows one). ' +
        'Stop the other ngrok or smsbot tunnel, then try again. (ngrok said: ERR_NGROK_108)',
    ],
    [
      new TunnelError({ kind: 'unreachable', detail: 'failed to establish tcp connection' }),
      "Cannot reach ngrok's service to open the tunnel: check your internet connection, or a firewall or proxy in the way. " +
        '(ngrok said: failed to establish tcp connection)',
    ],
    [
      new TunnelError({ kind: 'refused', detail: 'The endpoint is already online' }),
      "ngrok refused the tunnel: The endpoint is already online. Check your account's limits on https://dashboard.ngrok.com.",
    ],
  ]
  for (const [error, sentence] of refusals) {
    const server = fakeServer()
    const cli = io(env)
    t.equal(await runTunnel([], cli, { tunnel: fakeTunnel(error).tunnel, startServer: server.start }), 1)
    t.same(cli.lines.err, [sentence])
    t.equal(server.started.length, 0, 'no server was started')
  }
})

t.test('tunnel: a refused update, and a failed restore, are explained and cleaned up', async (t) => {
  let refuse: 'wire' | 'restore' | undefined
  const { env, number } = await setup(t, {
    respond: (r) => {
      if (r.method !== 'POST') return undefined
      const wiring = r.form.SmsUrl === `${TUNNEL_URL}/sms`
      return (refuse === 'wire' && wiring) || (refuse === 'restore' && !wiring)
        ? { status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } }
        : undefined
    },
  })
  refuse = 'wire'
  const server = fakeServer()
  const tunnel = fakeTunnel()
  const cli = io(env, (line) => {
    if (line.startsWith('Starting smsbot')) server.ready()
  })
  t.equal(await runTunnel([], cli, { tunnel: tunnel.tunnel, startServer: server.start, onSignal: fakeSignals().onSignal }), 1)
  t.same(cli.lines.err, ['Twilio answered 500 (error 20500): Internal Server Error'])
  t.equal(server.stops(), 1)
  t.equal(tunnel.closed(), 1)

  refuse = 'restore'
  const second = fakeServer()
  const signals = fakeSignals()
  const failing = io(env, (line) => {
    if (line.startsWith('Starting smsbot')) second.ready()
    if (line === wiringCopy.ready) signals.send('SIGHUP')
  })
  t.equal(await runTunnel([], failing, { tunnel: tunnel.tunnel, startServer: second.start, onSignal: signals.onSignal }), 1)
  t.same(failing.lines.err, [
    'Twilio answered 500 (error 20500): Internal Server Error',
    'Once that is fixed, smsbot wire --restore puts the previous webhook back.',
  ])
  t.equal(number().smsUrl, `${TUNNEL_URL}/sms`)

  refuse = undefined
  const retry = io(env)
  t.equal(await runCli(['wire', '--restore'], retry), 0, 'the record let wire --restore finish the job')
  t.equal(number().smsUrl, DEMO)
})

t.test('tunnel with the built server: Twilio’s signed webhook for the tunnel URL is accepted; SIGTERM puts everything back', async (t) => {
  const { env, number } = await setup(t)
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise<void>((resolve) => probe.close(() => resolve()))

  const tunnel = fakeTunnel()
  let accepted: Promise<Response> | undefined
  const serverEnv = {
    ...env,
    PATH: process.env.PATH ?? '',
    NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE ?? '',
    PORT: String(port),
    SMS_SENDER: 'console',
    LOG_LEVEL: 'silent',
  }
  const cli = io(serverEnv, (line) => {
    if (line !== wiringCopy.ready) return
    // Twilio signs the URL it calls, the tunnel's; the server must check against that (PUBLIC_URL).
    const params = inboundParams({ from: '+16175550123', to: PHONE, body: 'H', accountSid: ACCOUNT_SID })
    accepted = fetch(`http://127.0.0.1:${port}/sms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signWebhook(AUTH_TOKEN, `${TUNNEL_URL}/sms`, params),
      },
      body: new URLSearchParams(params).toString(),
    }).then((response) => {
      process.kill(process.pid, 'SIGTERM')
      return response
    })
  })
  const code = await runTunnel([], cli, {
    tunnel: tunnel.tunnel,
    serverCommand: [process.execPath, SERVER],
    startServer: (command, childEnv, healthUrl) => startServerProcess(command, childEnv, healthUrl, { output: 'ignore' }),
  })
  t.equal(code, 0)
  t.ok(accepted, 'the webhook was sent once ready')
  const response = await accepted!
  t.equal(response.status, 200)
  t.match(await response.text(), /^<\?xml.*<Response><Message>SUB /, 'and answered with the help text')
  t.equal(number().smsUrl, DEMO, 'the webhook is back')
  t.equal(cli.lines.out.at(-1), 'Tunnel closed.')
  await t.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the server is stopped')
})
