// The ngrok tunnel with a fake agent session (no account needed), ngrok's refusals sorted, and the real library refusing.
import t from 'tap'
import { ngrokTunnel, TunnelError, tunnelError, type ConnectNgrok } from '../../src/wiring/tunnel.js'

/** A fake ngrok session: records what it was asked and whether it was closed. */
function fakeNgrok(url: string | null, failWith?: Error) {
  const calls: Array<{ authtoken: string; forwardTo: string }> = []
  let closed = 0
  const connect: ConnectNgrok = async (authtoken, forwardTo) => {
    calls.push({ authtoken, forwardTo })
    if (failWith !== undefined) throw failWith
    return {
      url,
      close: async () => {
        closed += 1
      },
    }
  }
  return { connect, calls, closed: () => closed }
}

/** An error as @ngrok/ngrok throws it: the message ends with the code, and errorCode is filled in from it. */
function ngrokError(message: string, code?: string): Error {
  return Object.assign(
    new Error(code === undefined ? message : `${message}\n\nerror_code: ${code}`),
    code === undefined ? {} : { errorCode: code },
  )
}

t.test('opens an https tunnel to the local address with the token, and closes it', async (t) => {
  const fake = fakeNgrok('https://abc123.ngrok-free.app')
  const tunnel = await ngrokTunnel('2abcTOKEN', fake.connect).open(3000, '127.0.0.1')
  t.equal(tunnel.url, 'https://abc123.ngrok-free.app')
  t.same(fake.calls, [{ authtoken: '2abcTOKEN', forwardTo: 'http://127.0.0.1:3000' }])
  t.equal(fake.closed(), 0)
  await tunnel.close()
  t.equal(fake.closed(), 1)

  const v6 = fakeNgrok('https://abc123.ngrok-free.app')
  await ngrokTunnel('2abcTOKEN', v6.connect).open(8080, '::1')
  t.equal(v6.calls[0]?.forwardTo, 'http://[::1]:8080', 'an IPv6 host is bracketed')
})

t.test('a session without an https URL is closed and refused', async (t) => {
  for (const url of [null, 'http://abc123.ngrok-free.app']) {
    const fake = fakeNgrok(url)
    const err = await ngrokTunnel('2abcTOKEN', fake.connect)
      .open(3000, '127.0.0.1')
      .catch((e: unknown) => e)
    t.type(err, TunnelError)
    t.same((err as TunnelError).problem, { kind: 'refused', detail: `ngrok gave no https URL (got ${url ?? 'none'})` })
    t.equal(fake.closed(), 1, 'the session is not left open')
  }
})

t.test('ngrok’s refusals are sorted by what there is to fix', async (t) => {
  const cases: Array<[Error, string]> = [
    [
      ngrokError(
        'failed to connect session: authentication failed: The authtoken you specified does not look like a proper ngrok tunnel authtoken.',
        'ERR_NGROK_105',
      ),
      'token',
    ],
    [ngrokError('failed to connect session: The authtoken you specified is properly formed, but it is invalid.', 'ERR_NGROK_107'), 'token'],
    [ngrokError('failed to connect session: Your account is limited to 1 simultaneous ngrok agent session.', 'ERR_NGROK_108'), 'busy'],
    [new Error('failed to connect session: Your account is limited to 1 simultaneous ngrok agent session. ERR_NGROK_108'), 'busy'],
    [new Error('failed to connect session: failed to establish tcp connection'), 'unreachable'],
    [ngrokError('failed to start tunnel: The endpoint is already online.', 'ERR_NGROK_334'), 'refused'],
  ]
  for (const [error, kind] of cases) {
    const err = await ngrokTunnel('x', fakeNgrok(null, error).connect)
      .open(3000, '127.0.0.1')
      .catch((e: unknown) => e)
    t.type(err, TunnelError)
    t.equal((err as TunnelError).problem.kind, kind, error.message)
    t.equal((err as TunnelError).problem.detail, error.message.trim())
  }
  t.same(tunnelError('just a string').problem, { kind: 'refused', detail: 'just a string' })
  t.equal(tunnelError(new Error('no')).message, 'Tunnel refused: refused (no)')
})

t.test('the real @ngrok/ngrok library, given a token ngrok cannot accept, is refused with a sorted reason', async (t) => {
  // Offline this is "cannot reach ngrok"; online, ngrok refuses the malformed token (ERR_NGROK_105).
  const err = await ngrokTunnel('not-a-real-ngrok-token')
    .open(9, '127.0.0.1')
    .catch((e: unknown) => e)
  t.type(err, TunnelError)
  t.match((err as TunnelError).problem.kind, /^(unreachable|token)$/)
})
