// Development secrets: generated once beside the database, reused, and never used when the environment has them.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createConfig } from '../src/config.js'
import { devSecretsPath, resolveSecrets } from '../src/dev-secrets.js'

t.test('generates both secrets beside the database file and reuses them', async (t) => {
  const dir = t.testdir()
  const env = { DATABASE_PATH: join(dir, 'nested', 'smsbot.sqlite') }
  const first = resolveSecrets(createConfig(env))
  t.same(first.generated, ['TWILIO_AUTH_TOKEN', 'SESSION_SECRET'])
  t.match(first.config.twilio.authToken, /^[0-9a-f]{32}$/)
  t.match(first.config.sessionSecret, /^[0-9a-f]{64}$/)
  const path = devSecretsPath(env.DATABASE_PATH)
  t.equal(path, join(dir, 'nested', 'dev-secrets.json'))
  t.equal(statSync(path).mode & 0o777, 0o600, 'readable by the owner only')
  const second = resolveSecrets(createConfig(env))
  t.equal(second.config.twilio.authToken, first.config.twilio.authToken, 'the simulator and the server agree')
  t.equal(second.config.sessionSecret, first.config.sessionSecret)
  t.same(JSON.parse(readFileSync(path, 'utf8')), {
    twilioAuthToken: first.config.twilio.authToken,
    sessionSecret: first.config.sessionSecret,
  })
})

t.test('the environment wins; the file is not even created', async (t) => {
  const dir = t.testdir()
  const config = createConfig({ DATABASE_PATH: join(dir, 'db.sqlite'), TWILIO_AUTH_TOKEN: 'a'.repeat(32), SESSION_SECRET: 'b'.repeat(32) })
  const resolved = resolveSecrets(config)
  t.same(resolved.generated, [])
  t.equal(resolved.config.twilio.authToken, 'a'.repeat(32))
  t.throws(() => statSync(join(dir, 'dev-secrets.json')))
})

t.test('a damaged secrets file is replaced', async (t) => {
  const dir = t.testdir({ 'dev-secrets.json': '{ not json' })
  const resolved = resolveSecrets(createConfig({ DATABASE_PATH: join(dir, 'db.sqlite'), SESSION_SECRET: 'c'.repeat(32) }))
  t.same(resolved.generated, ['TWILIO_AUTH_TOKEN'])
  t.equal(resolved.config.sessionSecret, 'c'.repeat(32))
  writeFileSync(join(dir, 'dev-secrets.json'), '{"twilioAuthToken": 1}')
  t.match(resolveSecrets(createConfig({ DATABASE_PATH: join(dir, 'db.sqlite') })).config.twilio.authToken, /^[0-9a-f]{32}$/)
})

t.test('the folder it creates is 0700, and a replaced file is 0600 however it was left', async (t) => {
  const dir = t.testdir({ old: { 'dev-secrets.json': '{ not json' } })
  resolveSecrets(createConfig({ DATABASE_PATH: join(dir, 'new', 'smsbot.sqlite') }))
  t.equal(statSync(join(dir, 'new')).mode & 0o777, 0o700, 'created folder')
  const damaged = join(dir, 'old', 'dev-secrets.json')
  chmodSync(damaged, 0o644)
  resolveSecrets(createConfig({ DATABASE_PATH: join(dir, 'old', 'smsbot.sqlite') }))
  t.equal(statSync(damaged).mode & 0o777, 0o600, 'replaced file')
})
