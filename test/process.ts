// Starts the built server as a real child process and reads its JSON log: tsc's modules (for coverage) or the bundle.
import { spawn, type ChildProcess } from 'node:child_process'
import twilio from 'twilio'
import { projectPath } from './root.js'

/**
 * tsc's output, module by module: what the process tests run, so that their coverage maps to src/ as the in-process
 * tests' does (the bundle's source map ends functions one column later, and the two would not merge).
 */
export const SERVER = projectPath('dist/src/start.js')
/** The one-file bundle of the same sources that `node dist/src/server.js` runs (scripts/bundle.mjs). */
export const BUNDLE = projectPath('dist/src/server.js')

export interface ServerProcess {
  child: ChildProcess
  url: string
  lines: string[]
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>
}

/** Starts the server with only these variables (plus PATH), and waits until it listens. */
export async function startServer(env: Record<string, string>, timeoutMs = 20_000, script = SERVER): Promise<ServerProcess> {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${lines.join('\n')}`)), timeoutMs)
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(line)
        const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
        if (listening !== null) {
          clearTimeout(timer)
          resolve(listening[1] as string)
        }
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${lines.join('\n')}`))
    })
  })
  return { child, url, lines, exited }
}

/** POSTs an inbound SMS to a running server's webhook, signed with the SDK for that URL. */
export function postSignedSms(server: Pick<ServerProcess, 'url'>, params: Record<string, string>, authToken: string): Promise<Response> {
  return fetch(`${server.url}/sms`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, `${server.url}/sms`, params),
    },
    body: new URLSearchParams(params).toString(),
  })
}

/** Runs the server expecting it to refuse to start; returns its exit code and everything it printed. */
export async function runServerExpectingFailure(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [SERVER], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, output }
}
