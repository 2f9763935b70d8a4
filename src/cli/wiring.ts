// smsbot wire and smsbot tunnel: point the Twilio number's SMS webhook at smsbot (behind an ngrok tunnel) and back.
import { fileURLToPath } from 'node:url'
import { ConfigError, createConfig, publicHref, type Config } from '../config.js'
import { startServerProcess, type ServerExit, type StartServer } from '../wiring/server-process.js'
import { ngrokTunnel, TunnelError, type Tunnel } from '../wiring/tunnel.js'
import { numberWebhooks, WiringError, type NumberWebhook, type NumberWebhooks, type TwilioAccount } from '../wiring/twilio-number.js'
import { BadRecordError, restoreNumber, savedWebhookPath, smsWebhookUrl, wireNumber, type Wired } from '../wiring/wire.js'
import { USAGE, wiringCopy } from './copy.js'
import type { CliIo } from './main.js'

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP'

export interface WiringDeps {
  /** Default: ngrok with NGROK_AUTHTOKEN. */
  tunnel?: Tunnel
  /** How to run the server; default the built one, `node dist/src/server.js`. */
  serverCommand?: string[]
  startServer?: StartServer
  /** Calls `listener` on Ctrl-C, SIGTERM or SIGHUP until the returned function is called. */
  onSignal?: (listener: (signal: Signal) => void) => () => void
  now?: () => Date
}

const SERVER_SCRIPT = fileURLToPath(new URL('../server.js', import.meta.url))

function processSignals(listener: (signal: Signal) => void): () => void {
  const signals: Signal[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const signal of signals) process.on(signal, listener)
  return () => {
    for (const signal of signals) process.off(signal, listener)
  }
}

interface TwilioSettings {
  account: TwilioAccount
  phoneNumber: string
}

/** The credentials and number from the environment, never the generated development token. */
function twilioSettings(config: Config, command: string): TwilioSettings | string {
  const { accountSid, authToken, phoneNumber, apiUrl } = config.twilio
  const missing = [
    ...(accountSid === undefined ? ['TWILIO_ACCOUNT_SID'] : []),
    ...(authToken === undefined ? ['TWILIO_AUTH_TOKEN'] : []),
    ...(phoneNumber === undefined ? ['TWILIO_PHONE_NUMBER'] : []),
  ]
  if (accountSid === undefined || authToken === undefined || phoneNumber === undefined) return wiringCopy.needsTwilio(command, missing)
  return { account: { accountSid, authToken, apiUrl }, phoneNumber }
}

/** The sentence for a refusal we know how to explain; anything else is rethrown. */
function explain(err: unknown, twilio: TwilioSettings, phoneNumber = twilio.phoneNumber): string {
  if (err instanceof WiringError) {
    const p = err.problem
    if (p.kind === 'credentials') return wiringCopy.credentials(twilio.account.accountSid)
    if (p.kind === 'no-number') return wiringCopy.noNumber(phoneNumber, twilio.account.accountSid)
    if (p.kind === 'unreachable') return wiringCopy.twilioUnreachable(twilio.account.apiUrl, p.detail)
    return wiringCopy.twilioAnswered(p.status, p.code, p.detail)
  }
  if (err instanceof BadRecordError) return wiringCopy.badRecord(err.path)
  if (err instanceof TunnelError) {
    const p = err.problem
    if (p.kind === 'token') return wiringCopy.tunnelToken(p.detail)
    if (p.kind === 'busy') return wiringCopy.tunnelBusy(p.detail)
    if (p.kind === 'unreachable') return wiringCopy.tunnelUnreachable(p.detail)
    return wiringCopy.tunnelRefused(p.detail)
  }
  throw err
}

function readConfig(io: CliIo): Config | undefined {
  try {
    return createConfig(io.env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.err(err.message)
    return undefined
  }
}

function parsePublicUrl(input: string): URL | undefined {
  try {
    const url = new URL(input)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.search === '' && url.hash === '' ? url : undefined
  } catch {
    return undefined
  }
}

function reportWired(io: CliIo, wired: Wired): void {
  io.out(wiringCopy.wired(wired.number.phoneNumber, wired.wiredUrl))
  io.out(wiringCopy.previous(wired.previousUrl, wired.previousMethod))
  if (wired.number.smsApplicationSid !== '') io.out(wiringCopy.smsApplication(wired.number.smsApplicationSid))
}

async function restoreAndReport(io: CliIo, numbers: NumberWebhooks, recordPath: string, twilio: TwilioSettings): Promise<number> {
  try {
    const restored = await restoreNumber(numbers, recordPath)
    if (restored.kind === 'nothing') io.out(wiringCopy.nothingToRestore(recordPath))
    else if (restored.kind === 'changed') io.out(wiringCopy.changedSince(restored.number.phoneNumber, restored.number.smsUrl))
    else io.out(wiringCopy.restored(restored.number.phoneNumber, restored.saved.previousUrl, restored.saved.previousMethod))
    return 0
  } catch (err) {
    io.err(explain(err, twilio))
    io.err(wiringCopy.retryRestore)
    return 1
  }
}

/** `smsbot wire <public-url>` and `smsbot wire --restore`: the Twilio half alone. */
export async function runWire(args: string[], restore: boolean, io: CliIo, deps: WiringDeps = {}): Promise<number> {
  const usage = (message: string) => {
    io.err(`smsbot: ${message}\n\n${USAGE}`)
    return 2
  }
  if (restore && args.length > 0) return usage(wiringCopy.usage.restoreAlone)
  if (!restore && args.length !== 1) return usage(wiringCopy.usage.wire)
  const publicUrl = restore ? undefined : parsePublicUrl(args[0] as string)
  if (!restore && publicUrl === undefined) return usage(wiringCopy.usage.publicUrl(args[0] as string))

  const config = readConfig(io)
  if (config === undefined) return 1
  const twilio = twilioSettings(config, 'wire')
  if (typeof twilio === 'string') {
    io.err(twilio)
    return 1
  }
  const numbers = numberWebhooks(twilio.account)
  const recordPath = savedWebhookPath(config.databasePath)
  if (publicUrl === undefined) return restoreAndReport(io, numbers, recordPath, twilio)

  try {
    const number = await numbers.find(twilio.phoneNumber)
    reportWired(io, await wireNumber(numbers, recordPath, number, smsWebhookUrl(publicUrl), (deps.now ?? (() => new Date()))()))
  } catch (err) {
    io.err(explain(err, twilio))
    return 1
  }
  if (config.publicUrl?.href !== publicUrl.href) io.out(wiringCopy.publicUrlReminder(publicHref(publicUrl)))
  return 0
}

const describeExit = (exit: ServerExit) => (exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`)

/**
 * `smsbot tunnel`: find the number, open the tunnel, start the server with PUBLIC_URL set to the tunnel,
 * wire the number once the server answers, and on a signal (or the server's end) put it all back.
 */
export async function runTunnel(args: string[], io: CliIo, deps: WiringDeps = {}): Promise<number> {
  if (args.length > 0) {
    io.err(`smsbot: ${wiringCopy.usage.tunnel}\n\n${USAGE}`)
    return 2
  }
  const config = readConfig(io)
  if (config === undefined) return 1
  const token = io.env.NGROK_AUTHTOKEN?.trim() ?? ''
  const twilio = twilioSettings(config, 'tunnel')
  const problem =
    deps.tunnel === undefined && token === ''
      ? wiringCopy.noNgrokToken
      : typeof twilio === 'string'
        ? twilio
        : config.port === 0
          ? wiringCopy.fixedPort
          : undefined
  if (problem !== undefined) {
    io.err(problem)
    return 1
  }
  const settings = twilio as TwilioSettings

  // Everything that can be checked before anything changes: the credentials and the number.
  const numbers = numberWebhooks(settings.account)
  const recordPath = savedWebhookPath(config.databasePath)
  let number: NumberWebhook
  let tunnel
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  try {
    number = await numbers.find(settings.phoneNumber)
    tunnel = await (deps.tunnel ?? ngrokTunnel(token)).open(config.port, host)
  } catch (err) {
    io.err(explain(err, settings))
    return 1
  }
  const local = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
  io.out(wiringCopy.tunnelOpen(tunnel.url, local))

  let signalled!: (signal: Signal) => void
  const stopRequested = new Promise<Signal>((resolve) => (signalled = resolve))
  const unsubscribe = (deps.onSignal ?? processSignals)((signal) => signalled(signal))
  io.out(wiringCopy.starting(tunnel.url))
  const server = (deps.startServer ?? startServerProcess)(
    deps.serverCommand ?? [process.execPath, SERVER_SCRIPT],
    { ...io.env, PUBLIC_URL: tunnel.url },
    `${local}/healthz`,
  )
  try {
    const started = await Promise.race([
      server.ready.then(
        () => 'ready' as const,
        () => 'ended' as const,
      ),
      stopRequested.then(() => 'signal' as const),
    ])
    if (started === 'ended') {
      io.err(wiringCopy.stoppedEarly(describeExit(await server.exited)))
      return 1
    }
    if (started === 'signal') return 0

    try {
      reportWired(io, await wireNumber(numbers, recordPath, number, smsWebhookUrl(new URL(tunnel.url)), (deps.now ?? (() => new Date()))()))
    } catch (err) {
      io.err(explain(err, settings))
      return 1
    }
    io.out(wiringCopy.ready)

    const end = await Promise.race([server.exited, stopRequested.then(() => undefined)])
    // Ctrl-C reaches the server too, and it may end first: that is a normal stop.
    const crashed = end !== undefined && end.code !== 0 && end.signal === null
    if (crashed) io.err(wiringCopy.stoppedLater(describeExit(end)))
    else io.out(wiringCopy.stopping)
    const restored = await restoreAndReport(io, numbers, recordPath, settings)
    return crashed ? 1 : restored
  } finally {
    server.stop()
    await server.exited
    await tunnel.close()
    unsubscribe()
    io.out(wiringCopy.tunnelClosed)
  }
}
