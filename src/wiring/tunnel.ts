// A public https URL for a local port: the Tunnel interface, and its implementation with the @ngrok/ngrok library.
export interface OpenTunnel {
  /** The public https URL, e.g. https://abc123.ngrok-free.app */
  url: string
  close(): Promise<void>
}

export interface Tunnel {
  open(port: number, host: string): Promise<OpenTunnel>
}

export type TunnelProblem =
  | { kind: 'token'; detail: string }
  | { kind: 'busy'; detail: string }
  | { kind: 'unreachable'; detail: string }
  | { kind: 'refused'; detail: string }

/** The tunnel was not opened, sorted by what the person has to fix; the CLI words it. */
export class TunnelError extends Error {
  constructor(readonly problem: TunnelProblem) {
    super(`Tunnel refused: ${problem.kind} (${problem.detail})`)
    this.name = 'TunnelError'
  }
}

// ngrok's error codes (https://ngrok.com/docs/errors/): 105–107 and 4018 are a missing, malformed or revoked
// authtoken; 108 is the free plan's one-agent-session limit.
const TOKEN_ERRORS = new Set(['ERR_NGROK_105', 'ERR_NGROK_106', 'ERR_NGROK_107', 'ERR_NGROK_4018'])

export function tunnelError(err: unknown): TunnelError {
  const e = err as { message?: unknown; errorCode?: unknown }
  const detail = typeof e.message === 'string' ? e.message.trim() : String(err)
  const code = typeof e.errorCode === 'string' ? e.errorCode : /ERR_NGROK_\d+/.exec(detail)?.[0]
  if (code !== undefined && TOKEN_ERRORS.has(code)) return new TunnelError({ kind: 'token', detail })
  if (code === 'ERR_NGROK_108') return new TunnelError({ kind: 'busy', detail })
  // The agent could not reach ngrok's servers at all (offline, DNS, a proxy in the way).
  if (code === undefined && /failed to (establish|connect)|dns|timed? ?out|connection refused/i.test(detail)) {
    return new TunnelError({ kind: 'unreachable', detail })
  }
  return new TunnelError({ kind: 'refused', detail })
}

/** One ngrok agent session forwarding one endpoint to a local address. */
export interface NgrokSession {
  url: string | null
  close(): Promise<void>
}

export type ConnectNgrok = (authtoken: string, forwardTo: string) => Promise<NgrokSession>

// An explicit session (not ngrok.forward) so closing it ends the agent session too: the free plan allows one at a time.
const connectNgrok: ConnectNgrok = async (authtoken, forwardTo) => {
  const ngrok = await import('@ngrok/ngrok') // loaded on first use: only `smsbot tunnel` needs the native module
  const session = await new ngrok.SessionBuilder().authtoken(authtoken).connect()
  /* c8 ignore start -- past connect() this needs ngrok's service and a real account; tests inject a fake session */
  try {
    const listener = await session.httpEndpoint().listenAndForward(forwardTo)
    return {
      url: listener.url(),
      close: async () => {
        await listener.close()
        await session.close()
      },
    }
  } catch (err) {
    await session.close()
    throw err
  }
}
/* c8 ignore stop */

/** An ngrok http tunnel to host:port; `connect` is replaceable so tests need no ngrok account. */
export function ngrokTunnel(authtoken: string, connect: ConnectNgrok = connectNgrok): Tunnel {
  return {
    async open(port, host) {
      let session
      try {
        session = await connect(authtoken, `http://${host.includes(':') ? `[${host}]` : host}:${port}`)
      } catch (err) {
        throw tunnelError(err)
      }
      const { url } = session
      if (url === null || !url.startsWith('https://')) {
        await session.close()
        throw new TunnelError({ kind: 'refused', detail: `ngrok gave no https URL (got ${url ?? 'none'})` })
      }
      return { url, close: () => session.close() }
    },
  }
}
