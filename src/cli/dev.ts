// npm run dev: the server from source, restarted on change (tsx watch); with --tunnel, behind ngrok and wired to the Twilio number.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import 'dotenv/config'
import { runTunnel } from './wiring.js'

const watch = [
  process.execPath,
  createRequire(import.meta.url).resolve('tsx/cli'),
  'watch',
  fileURLToPath(new URL('../server.ts', import.meta.url)),
]
const args = process.argv.slice(2)

if (args.includes('--tunnel')) {
  process.exitCode = await runTunnel(
    args.filter((a) => a !== '--tunnel'),
    { env: process.env, out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
    { serverCommand: watch },
  )
} else {
  const child = spawn(watch[0] as string, [...watch.slice(1), ...args], { stdio: 'inherit' })
  // Ctrl-C reaches tsx watch from the terminal; a signal sent to this process alone is passed on.
  const pass = (signal: NodeJS.Signals) => child.kill(signal)
  process.on('SIGINT', () => {})
  process.on('SIGTERM', pass)
  process.on('SIGHUP', pass)
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === null ? 1 : 0)
    process.removeAllListeners('SIGTERM').removeAllListeners('SIGHUP').removeAllListeners('SIGINT')
  })
}
