// createConfig: defaults, every validation message names its variable, production rules.
import t from 'tap'
import { ConfigError, createConfig } from '../src/config.js'

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef'

function problems(env: Record<string, string>): string[] {
  try {
    createConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  return []
}

t.test('defaults follow SPEC §5', async (t) => {
  const config = createConfig({})
  t.equal(config.port, 3000)
  t.equal(config.host, '127.0.0.1')
  t.equal(config.publicUrl, undefined)
  t.equal(config.trustProxy, false)
  t.equal(config.databasePath, './data/smsbot.sqlite')
  t.equal(config.smsSender, 'console')
  t.equal(config.twilio.apiUrl, 'https://api.twilio.com')
  t.same(config.otp, {
    length: 4,
    ttlSeconds: 600,
    maxAttempts: 5,
    maxSendsPerHour: 5,
    resendSeconds: 30,
    maxFailuresPerDay: 10,
    maxSendsPerIpPerHour: 10,
    maxFailuresPerIpPerHour: 20,
    linkTtlSeconds: 900,
  })
  t.equal(config.requestTimeoutSeconds, 30)
  t.equal(config.sessionDays, 30)
  t.same(config.allowedCountries, ['US', 'CA'])
  t.equal(config.defaultCountry, 'US')
  t.equal(config.maxSubscriptions, 20)
  t.equal(config.sendRatePerSecond, 1)
  t.equal(config.sendConcurrency, 10)
  t.equal(config.logLevel, 'info')
  t.equal(config.adminToken, undefined)
})

t.test('values are read, trimmed and typed', async (t) => {
  const config = createConfig({
    PORT: ' 8080 ',
    HOST: '0.0.0.0',
    PUBLIC_URL: 'https://abc123.ngrok-free.app/',
    TRUST_PROXY: 'yes',
    TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
    TWILIO_AUTH_TOKEN: '0123456789abcdef0123456789abcdef',
    TWILIO_MESSAGING_SERVICE_SID: 'MG0123456789abcdef0123456789abcdef',
    TWILIO_API_URL: 'http://127.0.0.1:4010/',
    ALLOWED_COUNTRIES: 'us, gb',
    DEFAULT_COUNTRY: 'gb',
    SEND_RATE_PER_SECOND: '0.5',
    LOG_LEVEL: 'DEBUG',
    OTP_LENGTH: '6',
  })
  t.equal(config.port, 8080)
  t.equal(config.publicUrl?.href, 'https://abc123.ngrok-free.app/')
  t.same(config.trustProxy, ['loopback'], 'true trusts only a proxy on this machine, never every hop')
  t.equal(config.smsSender, 'twilio', 'twilio by default when credentials are set')
  t.equal(config.twilio.apiUrl, 'http://127.0.0.1:4010')
  t.same(config.allowedCountries, ['US', 'GB'])
  t.equal(config.defaultCountry, 'GB')
  t.equal(config.sendRatePerSecond, 0.5)
  t.equal(config.logLevel, 'debug')
  t.equal(config.otp.length, 6)
  t.equal(createConfig({ TRUST_PROXY: 'off' }).trustProxy, false)
  t.same(createConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,::1,fd00::/8' }).trustProxy, ['10.0.0.0/8', '192.0.2.7', '::1', 'fd00::/8'])
})

t.test('each bad value is refused with a message naming the variable and what is expected', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^PORT must be a whole number from 0 to 65535/],
    [{ PORT: '70000' }, /^PORT must be a whole number/],
    [{ TRUST_PROXY: 'maybe' }, /^TRUST_PROXY must be true, false, or a comma-separated list of proxy addresses or CIDRs/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /^TRUST_PROXY must be true, false/],
    [{ TRUST_PROXY: '10.0.0.1, *' }, /^TRUST_PROXY must be true, false/],
    [{ REQUEST_TIMEOUT_SECONDS: '0' }, /^REQUEST_TIMEOUT_SECONDS must be a whole number from 1 to 600/],
    [{ METRICS_TOKEN: 'short' }, /^METRICS_TOKEN must be at least 16 characters/],
    [{ PUBLIC_URL: 'abc123.ngrok-free.app' }, /^PUBLIC_URL must be an http\(s\) URL/],
    [{ PUBLIC_URL: 'ftp://example.com' }, /^PUBLIC_URL must be an http\(s\) URL/],
    [{ PUBLIC_URL: 'https://example.com/?a=1' }, /^PUBLIC_URL must be an http\(s\) URL without query/],
    [{ TWILIO_ACCOUNT_SID: 'AC123' }, /^TWILIO_ACCOUNT_SID must be an Account SID/],
    [{ TWILIO_AUTH_TOKEN: 'short' }, /^TWILIO_AUTH_TOKEN must be your Twilio auth token/],
    [{ TWILIO_PHONE_NUMBER: '555-1234' }, /^TWILIO_PHONE_NUMBER must be a phone number in E\.164/],
    [{ TWILIO_MESSAGING_SERVICE_SID: 'MG1' }, /^TWILIO_MESSAGING_SERVICE_SID must be/],
    [{ SMS_SENDER: 'carrier-pigeon' }, /^SMS_SENDER must be one of twilio, console/],
    [{ SESSION_SECRET: 'too-short' }, /^SESSION_SECRET must be at least 32 characters/],
    [{ ADMIN_TOKEN: 'short' }, /^ADMIN_TOKEN must be at least 16 characters/],
    [{ OTP_LENGTH: '3' }, /^OTP_LENGTH must be a whole number from 4 to 10/],
    [{ OTP_TTL_SECONDS: '1.5' }, /^OTP_TTL_SECONDS must be a whole number/],
    [{ SEND_RATE_PER_SECOND: 'fast' }, /^SEND_RATE_PER_SECOND must be a number/],
    [{ SEND_RATE_PER_SECOND: '0' }, /^SEND_RATE_PER_SECOND must be a number from 0.01/],
    [{ ALLOWED_COUNTRIES: 'US,XX' }, /^ALLOWED_COUNTRIES must be a comma-separated list/],
    [{ ALLOWED_COUNTRIES: ' , ' }, /^ALLOWED_COUNTRIES must be/],
    [{ DEFAULT_COUNTRY: 'USA' }, /^DEFAULT_COUNTRY must be a two-letter country code/],
    [{ DEFAULT_COUNTRY: 'GB' }, /^DEFAULT_COUNTRY \(GB\) must be one of ALLOWED_COUNTRIES/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of fatal, error, warn, info/],
  ]
  for (const [env, expected] of cases) {
    const found = problems(env)
    t.equal(found.length, 1, `${JSON.stringify(env)} gives one problem`)
    t.match(found[0], expected, JSON.stringify(env))
  }
})

t.test('the twilio sender needs credentials and a sending number or messaging service', async (t) => {
  t.same(problems({ SMS_SENDER: 'twilio' }), [
    'TWILIO_ACCOUNT_SID is required when SMS_SENDER is twilio',
    'TWILIO_AUTH_TOKEN is required when SMS_SENDER is twilio',
    'TWILIO_PHONE_NUMBER or TWILIO_MESSAGING_SERVICE_SID is required when SMS_SENDER is twilio',
  ])
  const found = problems({
    TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
    TWILIO_AUTH_TOKEN: '0123456789abcdef0123456789abcdef',
  })
  t.same(found, ['TWILIO_PHONE_NUMBER or TWILIO_MESSAGING_SERVICE_SID is required when SMS_SENDER is twilio'])
  const config = createConfig({
    SMS_SENDER: 'console',
    TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
    TWILIO_AUTH_TOKEN: '0123456789abcdef0123456789abcdef',
  })
  t.equal(config.smsSender, 'console', 'SMS_SENDER=console needs no sending number')
})

t.test('production requires SESSION_SECRET, TWILIO_AUTH_TOKEN, PUBLIC_URL and a real sender', async (t) => {
  const found = problems({ NODE_ENV: 'production' })
  t.equal(found.length, 4)
  t.match(found[0], /^TWILIO_ACCOUNT_SID is required when NODE_ENV is production/)
  t.match(found[1], /^SESSION_SECRET is required when NODE_ENV is production/)
  t.match(found[2], /^TWILIO_AUTH_TOKEN is required when NODE_ENV is production/)
  t.match(found[3], /^PUBLIC_URL is required when NODE_ENV is production/)
  const secrets = {
    NODE_ENV: 'production',
    SESSION_SECRET: 'x'.repeat(32),
    TWILIO_AUTH_TOKEN: 'y'.repeat(32),
    PUBLIC_URL: 'https://smsbot.example.org',
  }
  t.same(
    problems(secrets),
    ['TWILIO_ACCOUNT_SID is required when NODE_ENV is production (or set SMS_SENDER=console to run without sending, on purpose)'],
    'secrets without an Account SID would fall back to the console sender, which publishes codes: refused',
  )
  t.equal(createConfig({ ...secrets, SMS_SENDER: 'console' }).smsSender, 'console', 'unless the console sender is asked for by name')
  const config = createConfig({ ...secrets, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_PHONE_NUMBER: '+15005550006' })
  t.equal(config.production, true)
  t.equal(config.smsSender, 'twilio')
})

t.test('every problem is reported at once, in a readable error', async (t) => {
  const error = t.throws(() => createConfig({ PORT: 'x', LOG_LEVEL: 'y' })) as ConfigError
  t.equal(error.name, 'ConfigError')
  t.match(error.message, /^Invalid configuration:\n {2}- PORT must be[^\n]*\n {2}- LOG_LEVEL must be/)
})

t.test('retention windows: defaults, values, and bad values refused by name', async (t) => {
  t.same(createConfig({}).retention, { inboundDays: 7, outboxDays: 30 })
  t.same(createConfig({ INBOUND_RETENTION_DAYS: '2', OUTBOX_RETENTION_DAYS: ' 90 ' }).retention, { inboundDays: 2, outboxDays: 90 })
  t.match(problems({ INBOUND_RETENTION_DAYS: '0' }), [/^INBOUND_RETENTION_DAYS must be a whole number from 1 to 3650/])
  t.match(problems({ OUTBOX_RETENTION_DAYS: 'a month' }), [/^OUTBOX_RETENTION_DAYS must be a whole number from 1 to 3650/])
})

t.test('DATABASE_URL selects PostgreSQL; with DATABASE_PATH, or without shared secrets, the start is refused', async (t) => {
  const secrets = { TWILIO_AUTH_TOKEN: 'y'.repeat(32), SESSION_SECRET: 'x'.repeat(32) }
  const url = 'postgres://smsbot:secret@db.internal:5432/smsbot'
  const config = createConfig({ ...secrets, DATABASE_URL: url, DATABASE_POOL_MAX: '25' })
  t.equal(config.databaseLocation, url)
  t.equal(config.databasePoolMax, 25)
  t.equal(createConfig({}).databaseLocation, './data/smsbot.sqlite', 'SQLite stays the default')
  t.equal(createConfig({}).databasePoolMax, 10)
  t.same(problems({ ...secrets, DATABASE_URL: url, DATABASE_PATH: './data/x.sqlite' }), [
    'DATABASE_URL and DATABASE_PATH are both set: choose PostgreSQL (DATABASE_URL) or a SQLite file (DATABASE_PATH)',
  ])
  t.same(problems({ DATABASE_URL: url }), [
    'TWILIO_AUTH_TOKEN is required with DATABASE_URL: every instance must check webhook signatures with the same token',
    'SESSION_SECRET is required with DATABASE_URL: every instance must sign sessions and hash codes with the same secret',
  ])
  t.match(problems({ ...secrets, DATABASE_URL: 'mysql://x/y' }), [/^DATABASE_URL must be a PostgreSQL URL/])
  t.match(problems({ ...secrets, DATABASE_URL: url, DATABASE_POOL_MAX: '0' }), [/^DATABASE_POOL_MAX must be a whole number from 1 to 1000/])
  t.equal(createConfig({ ...secrets, DATABASE_URL: 'postgresql://h/db' }).databaseLocation, 'postgresql://h/db')
})

t.test('quiet hours, the fallback time zone and the program identity: defaults, values, bad values refused by name', async (t) => {
  const defaults = createConfig({})
  t.same(defaults.quietHours, { start: 21 * 60, end: 8 * 60 })
  t.equal(defaults.defaultTimeZone, 'America/New_York')
  t.same(defaults.program, { name: 'smsbot', contact: undefined })
  const set = createConfig({
    QUIET_HOURS: '22:30-7',
    DEFAULT_TIME_ZONE: 'America/Chicago',
    PROGRAM_NAME: 'SearchNEU alerts',
    SUPPORT_CONTACT: 'help@searchneu.com',
  })
  t.same(set.quietHours, { start: 22 * 60 + 30, end: 7 * 60 })
  t.equal(set.defaultTimeZone, 'America/Chicago')
  t.same(set.program, { name: 'SearchNEU alerts', contact: 'help@searchneu.com' })
  t.equal(createConfig({ QUIET_HOURS: 'off' }).quietHours, undefined)
  t.equal(createConfig({ QUIET_HOURS: 'OFF' }).quietHours, undefined)
  t.same(
    problems({ QUIET_HOURS: '9pm-8am', DEFAULT_TIME_ZONE: 'Eastern', PROGRAM_NAME: 'x'.repeat(31), SUPPORT_CONTACT: 'y'.repeat(61) }),
    [
      'QUIET_HOURS must be off or a window of local hours such as 21-8 (quiet from 21:00 until 08:00; got "9pm-8am")',
      'DEFAULT_TIME_ZONE must be an IANA time zone name such as America/New_York (got "Eastern")',
      'PROGRAM_NAME must be one line of at most 30 characters, to fit the HELP answer in one SMS (got 31)',
      'SUPPORT_CONTACT must be one line of at most 60 characters, to fit the HELP answer in one SMS (got 61)',
    ],
  )
})

t.test('NODE_ENV is read in any case: Production is production (issue 18, item 11)', async (t) => {
  const secrets = {
    SESSION_SECRET: 'x'.repeat(32),
    TWILIO_AUTH_TOKEN: 'y'.repeat(32),
    PUBLIC_URL: 'https://smsbot.example.org',
    TWILIO_ACCOUNT_SID: ACCOUNT,
    TWILIO_PHONE_NUMBER: '+15005550006',
  }
  for (const spelling of ['production', 'Production', 'PRODUCTION', ' production ']) {
    t.equal(createConfig({ ...secrets, NODE_ENV: spelling }).production, true, spelling)
    t.match(
      problems({ NODE_ENV: spelling }),
      [
        /^TWILIO_ACCOUNT_SID is required when NODE_ENV is production/,
        /^SESSION_SECRET is required/,
        /^TWILIO_AUTH_TOKEN is required/,
        /^PUBLIC_URL is required/,
      ],
      `${spelling}: no development secrets`,
    )
  }
  t.equal(createConfig({ NODE_ENV: 'development' }).production, false)
  t.equal(createConfig({}).production, false)
})

t.test('production refuses an http PUBLIC_URL, naming it (issue 18, item 11)', async (t) => {
  const secrets = {
    NODE_ENV: 'production',
    SESSION_SECRET: 'x'.repeat(32),
    TWILIO_AUTH_TOKEN: 'y'.repeat(32),
    TWILIO_ACCOUNT_SID: ACCOUNT,
    TWILIO_PHONE_NUMBER: '+15005550006',
  }
  t.same(problems({ ...secrets, PUBLIC_URL: 'http://smsbot.example.org' }), [
    'PUBLIC_URL must be https when NODE_ENV is production: codes, sign-in links and session cookies must not cross the network in clear',
  ])
  t.same(problems({ ...secrets, NODE_ENV: 'Production', PUBLIC_URL: 'HTTP://smsbot.example.org' }).length, 1)
  t.equal(createConfig({ ...secrets, PUBLIC_URL: 'https://smsbot.example.org' }).publicUrl?.href, 'https://smsbot.example.org/')
  t.equal(
    createConfig({ PUBLIC_URL: 'http://localhost:3000' }).publicUrl?.href,
    'http://localhost:3000/',
    'outside production http stays allowed (local testing)',
  )
})

t.test('FORWARD_URL with a user name or password is refused at start; in production it must be https (issue 18, item 7)', async (t) => {
  const forward = { FORWARD_SECRET: 's'.repeat(32) }
  const refusal =
    'FORWARD_URL must not hold a user name or password: forwards are authenticated by their signature (FORWARD_SECRET); ' +
    'give the URL without user:password@'
  t.same(problems({ ...forward, FORWARD_URL: 'http://user:pass@hooks.example.org/sms' }), [refusal])
  t.same(problems({ ...forward, FORWARD_URL: 'https://user@hooks.example.org/sms' }), [refusal], 'a user name alone')
  t.same(problems({ ...forward, FORWARD_URL: 'https://:pass@hooks.example.org/sms' }), [refusal], 'a password alone')
  for (const found of [
    problems({ ...forward, FORWARD_URL: 'http://user:s3cret@hooks.example.org/sms' }),
    problems({ FORWARD_URL: 'ftp://user:s3cret@hooks.example.org/x' }),
  ]) {
    t.notMatch(found.join('\n'), /s3cret/, 'the password is never repeated in a message')
  }
  t.match(problems({ FORWARD_URL: 'ftp://user:s3cret@hooks.example.org/x' }), [
    /^FORWARD_URL must be an http\(s\) URL .*\(got "ftp:\/\/…@hooks\.example\.org\/x"\)$/,
  ])
  t.match(
    problems({ FORWARD_URL: 'ftp://hooks.example.org/a@b' }),
    [/\(got "ftp:\/\/hooks\.example\.org\/a@b"\)$/],
    'an @ in the path is not a password',
  )
  t.match(problems({ FORWARD_URL: 'not a url @ all' }), [/\(got "not a url @ all"\)$/])
  t.equal(
    createConfig({ ...forward, FORWARD_URL: 'http://hooks.example.org/sms' }).forward?.url.href,
    'http://hooks.example.org/sms',
    'http outside production',
  )

  const production = {
    NODE_ENV: 'production',
    SESSION_SECRET: 'x'.repeat(32),
    TWILIO_AUTH_TOKEN: 'y'.repeat(32),
    TWILIO_ACCOUNT_SID: ACCOUNT,
    TWILIO_PHONE_NUMBER: '+15005550006',
    PUBLIC_URL: 'https://smsbot.example.org',
    ...forward,
  }
  t.same(problems({ ...production, FORWARD_URL: 'http://hooks.example.org/sms' }), [
    "FORWARD_URL must be https when NODE_ENV is production: each forward carries a texter's phone number and message",
  ])
  t.same(problems({ ...production, FORWARD_URL: 'https://user:pass@hooks.example.org/sms' }), [refusal])
  t.equal(createConfig({ ...production, FORWARD_URL: 'https://hooks.example.org/sms' }).forward?.url.href, 'https://hooks.example.org/sms')
})

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
const OIDC = {
  PUBLIC_URL: 'https://bot.example.org',
  OIDC_ISSUER: 'https://login.example.org/',
  OIDC_CLIENT_ID: 'smsbot',
  OIDC_CLIENT_SECRET: 'client-secret-0123456789',
}

t.test('OIDC_*: off by default; all three or none, naming what is missing; https or loopback http; PUBLIC_URL needed', async (t) => {
  t.equal(createConfig({}).oidc, undefined)
  const oidc = createConfig(OIDC).oidc
  t.same(oidc && { ...oidc, issuer: oidc.issuer.href }, {
    issuer: 'https://login.example.org/',
    clientId: 'smsbot',
    clientSecret: 'client-secret-0123456789',
    scopes: 'openid email profile',
    name: 'login.example.org',
    redirectUri: 'https://bot.example.org/auth/callback',
  })
  t.same(problems({ OIDC_ISSUER: OIDC.OIDC_ISSUER }), [
    'OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET go together: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are missing',
  ])
  t.same(problems({ ...OIDC, OIDC_CLIENT_SECRET: '' }), [
    'OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET go together: OIDC_CLIENT_SECRET is missing',
  ])
  t.same(problems({ ...OIDC, PUBLIC_URL: '' }), [
    'PUBLIC_URL is required with OIDC_ISSUER: the provider sends the browser back to PUBLIC_URL/auth/callback',
  ])
  t.same(problems({ ...OIDC, OIDC_SCOPES: 'email profile' }), ['OIDC_SCOPES must include openid (got "email profile")'])
  t.equal(createConfig({ ...OIDC, OIDC_NAME: 'Acme', OIDC_SCOPES: 'openid  email' }).oidc?.name, 'Acme')
  t.equal(createConfig({ ...OIDC, OIDC_SCOPES: 'openid  email' }).oidc?.scopes, 'openid email')
  const plain = 'OIDC_ISSUER must be https (plain http only for a loopback address, and never when NODE_ENV is production)'
  t.same(problems({ ...OIDC, OIDC_ISSUER: 'http://login.example.org/' }), [plain])
  t.ok(createConfig({ ...OIDC, OIDC_ISSUER: 'http://127.0.0.1:4000/' }).oidc, 'a provider on this machine, in development')
  t.ok(createConfig({ ...OIDC, OIDC_ISSUER: 'http://localhost:4000/' }).oidc)
  t.ok(problems({ ...OIDC, OIDC_ISSUER: 'http://127.0.0.1:4000/', NODE_ENV: 'production' }).includes(plain), 'never in production')
})

t.test('EVENTS_URL and EVENTS_SECRET: together, a whsec_ secret of 24 to 64 bytes, https or loopback http', async (t) => {
  t.equal(createConfig({}).events, undefined)
  t.same(createConfig({ EVENTS_URL: 'https://app.example.org/hooks', EVENTS_SECRET: SECRET }).events, {
    url: new URL('https://app.example.org/hooks'),
    secret: SECRET,
  })
  t.same(problems({ EVENTS_URL: 'https://app.example.org/hooks' }), ['EVENTS_URL, EVENTS_SECRET go together: EVENTS_SECRET is missing'])
  t.same(problems({ EVENTS_SECRET: SECRET }), ['EVENTS_URL, EVENTS_SECRET go together: EVENTS_URL is missing'])
  const badSecret = 'EVENTS_SECRET must be whsec_ followed by 24 to 64 random bytes in base64 (try: echo whsec_$(openssl rand -base64 32))'
  for (const secret of ['0123456789abcdef0123456789abcdef', 'whsec_', `whsec_${Buffer.alloc(16).toString('base64')}`, 'whsec_!!!!']) {
    t.same(problems({ EVENTS_URL: 'https://app.example.org/hooks', EVENTS_SECRET: secret }), [badSecret], secret.slice(0, 8))
  }
  t.same(problems({ EVENTS_URL: 'http://app.example.org/hooks', EVENTS_SECRET: SECRET }), [
    'EVENTS_URL must be https (plain http only for a loopback address, and never when NODE_ENV is production)',
  ])
  t.same(problems({ EVENTS_URL: 'https://u:p@app.example.org/hooks', EVENTS_SECRET: SECRET }), [
    'EVENTS_URL must not hold a user name or password',
  ])
  t.ok(createConfig({ EVENTS_URL: 'http://[::1]:9000/hooks', EVENTS_SECRET: SECRET }).events, 'a receiver on this machine')
})

t.test('AUTH0_*: together, with the OIDC sign-in; AUTH0_MANAGEMENT_URL defaults to the tenant', async (t) => {
  const auth0 = { AUTH0_DOMAIN: 'acme.us.auth0.com', AUTH0_CLIENT_ID: 'm2m', AUTH0_CLIENT_SECRET: 'm2m-secret' }
  t.equal(createConfig(OIDC).auth0, undefined)
  t.same(createConfig({ ...OIDC, ...auth0 }).auth0, { ...auth0Of(auth0), managementUrl: new URL('https://acme.us.auth0.com') })
  t.same(
    createConfig({ ...OIDC, ...auth0, AUTH0_MANAGEMENT_URL: 'http://127.0.0.1:9999' }).auth0?.managementUrl.href,
    'http://127.0.0.1:9999/',
  )
  t.same(problems({ ...OIDC, AUTH0_DOMAIN: 'acme.us.auth0.com' }), [
    'AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET go together: AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET are missing',
  ])
  t.same(problems(auth0), [
    'AUTH0_DOMAIN needs OIDC_ISSUER (normally https://acme.us.auth0.com/), OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: people sign in with Auth0',
  ])
  t.match(problems({ ...OIDC, ...auth0, AUTH0_DOMAIN: 'https://acme/' }), [/^AUTH0_DOMAIN must be your tenant's domain/])
})

function auth0Of(env: Record<string, string>) {
  return { domain: env.AUTH0_DOMAIN, clientId: env.AUTH0_CLIENT_ID, clientSecret: env.AUTH0_CLIENT_SECRET }
}

t.test('OPERATOR_PHONES and OPERATOR_EMAILS: comma-separated, checked, e-mails compared in lower case', async (t) => {
  t.same(createConfig({}).operators, { phones: [], emails: [] })
  t.same(createConfig({ OPERATOR_PHONES: '+16175550123, +15145550123', OPERATOR_EMAILS: 'Ada@Example.edu,bob@example.org' }).operators, {
    phones: ['+16175550123', '+15145550123'],
    emails: ['ada@example.edu', 'bob@example.org'],
  })
  t.same(problems({ OPERATOR_PHONES: '617-555-0123,+16175550123' }), [
    'OPERATOR_PHONES must be a comma-separated list of phone numbers in E.164 form, e.g. +16175550123 (not: 617-555-0123)',
  ])
  t.same(problems({ OPERATOR_EMAILS: 'ada' }), ['OPERATOR_EMAILS must be a comma-separated list of e-mail addresses (not: ada)'])
})
