// Development secrets: generated once and kept beside the database file, so the server and the simulator agree.
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Config, ResolvedConfig } from './config.js'

interface DevSecrets {
  twilioAuthToken: string
  sessionSecret: string
}

export function devSecretsPath(databasePath: string): string {
  return join(dirname(databasePath), 'dev-secrets.json')
}

function readOrCreate(path: string): DevSecrets {
  try {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as Partial<DevSecrets>
    if (typeof stored.twilioAuthToken === 'string' && typeof stored.sessionSecret === 'string') {
      return { twilioAuthToken: stored.twilioAuthToken, sessionSecret: stored.sessionSecret }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err
  }
  const secrets = { twilioAuthToken: randomBytes(16).toString('hex'), sessionSecret: randomBytes(32).toString('hex') }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeFileSync(path, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 })
  // `mode` applies only when the file is created: a damaged file that is replaced keeps its own otherwise.
  chmodSync(path, 0o600)
  return secrets
}

/**
 * Fills TWILIO_AUTH_TOKEN and SESSION_SECRET from the development secrets file when they are unset.
 * createConfig already refused a production start without them, so this never runs in production.
 */
export function resolveSecrets(config: Config): { config: ResolvedConfig; generated: string[] } {
  const generated: string[] = []
  if (config.twilio.authToken !== undefined && config.sessionSecret !== undefined) {
    return { config: config as ResolvedConfig, generated }
  }
  const dev = readOrCreate(devSecretsPath(config.databasePath))
  if (config.twilio.authToken === undefined) generated.push('TWILIO_AUTH_TOKEN')
  if (config.sessionSecret === undefined) generated.push('SESSION_SECRET')
  return {
    config: {
      ...config,
      sessionSecret: config.sessionSecret ?? dev.sessionSecret,
      twilio: { ...config.twilio, authToken: config.twilio.authToken ?? dev.twilioAuthToken },
    },
    generated,
  }
}
