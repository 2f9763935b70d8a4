// Reads and validates the environment into a typed Config; pure, so every rule is testable.
import { isIP } from 'node:net'
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max'
import { isTimeZone, parseQuietWindow, type QuietWindow } from './phones/settings.js'

export interface OtpConfig {
  length: number
  ttlSeconds: number
  maxAttempts: number
  maxSendsPerHour: number
  resendSeconds: number
  maxFailuresPerDay: number
  maxSendsPerIpPerHour: number
  maxFailuresPerIpPerHour: number
  /** How long the one-time link that texting S returns stays valid. */
  linkTtlSeconds: number
}

export interface Config {
  production: boolean
  port: number
  host: string
  publicUrl: URL | undefined
  /** Which proxies' X-Forwarded-* are believed: none, or addresses/CIDRs/proxy-addr names ('loopback'). */
  trustProxy: false | string[]
  /** requestTimeout and connectionTimeout of the HTTP server. */
  requestTimeoutSeconds: number
  databasePath: string
  /** PostgreSQL instead of the SQLite file, when set. */
  databaseUrl: string | undefined
  databasePoolMax: number
  /** What openDatabase opens: DATABASE_URL when set, else DATABASE_PATH. */
  databaseLocation: string
  twilio: {
    accountSid: string | undefined
    /** Undefined until resolved: the environment, or a generated development token. */
    authToken: string | undefined
    phoneNumber: string | undefined
    messagingServiceSid: string | undefined
    apiUrl: string
  }
  smsSender: 'twilio' | 'console'
  /** Undefined until resolved: the environment, or a generated development secret. */
  sessionSecret: string | undefined
  adminToken: string | undefined
  /** Enables GET /metrics, read with this bearer token. */
  metricsToken: string | undefined
  otp: OtpConfig
  allowedCountries: CountryCode[]
  defaultCountry: CountryCode
  maxSubscriptions: number
  /** How long a menu's numbers keep working after it was shown (CONVERSATION_MINUTES). */
  conversationMinutes: number
  /** Where messages no command or keyword matched are POSTed (FORWARD_URL, FORWARD_SECRET, FORWARD_TIMEOUT_MS), if anywhere. */
  forward: { url: URL; secret: string; timeoutMs: number } | undefined
  sessionDays: number
  sendRatePerSecond: number
  sendConcurrency: number
  sendLeaseSeconds: number
  sendMaxAttempts: number
  /** Days kept: inbound message records (Twilio retries within minutes) and outbox rows of finished notifications. */
  retention: { inboundDays: number; outboxDays: number }
  /** Notifications wait out the recipient's local quiet hours (QUIET_HOURS); undefined when off. */
  quietHours: QuietWindow | undefined
  /** The zone of a number the time-zone mapping cannot place (DEFAULT_TIME_ZONE). */
  defaultTimeZone: string
  /** The program identity carriers require in a HELP answer: PROGRAM_NAME and SUPPORT_CONTACT. */
  program: { name: string; contact: string | undefined }
  logLevel: string
  /** Sign-in with the team's identity provider (OIDC_*), if configured (SPEC §12). */
  oidc: OidcConfig | undefined
  /** Signed events to the team's application (EVENTS_URL, EVENTS_SECRET), if configured. */
  events: EventsConfig | undefined
  /** The verified phone written onto the Auth0 user (AUTH0_*), if configured. */
  auth0: Auth0Config | undefined
  /** Who may use /console: profiles whose verified phone or provider-verified e-mail (lower case) is listed (SPEC §13). */
  operators: { phones: string[]; emails: string[] }
}

export interface OidcConfig {
  issuer: URL
  clientId: string
  clientSecret: string
  /** Space-separated; always holds `openid`. */
  scopes: string
  /** Shown on the button: "Sign in with …". */
  name: string
  /** PUBLIC_URL/auth/callback: the redirect URI to register with the provider. */
  redirectUri: string
}

export interface EventsConfig {
  url: URL
  /** whsec_… (base64), the Standard Webhooks signing secret. */
  secret: string
}

export interface Auth0Config {
  domain: string
  clientId: string
  clientSecret: string
  /** Where the Management API and its token endpoint are: https://$AUTH0_DOMAIN unless AUTH0_MANAGEMENT_URL says otherwise. */
  managementUrl: URL
}

/** A Config whose secrets have been resolved (see dev-secrets.ts). */
export type ResolvedConfig = Config & {
  sessionSecret: string
  twilio: Config['twilio'] & { authToken: string }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** Collects one message per bad variable, so a user fixes them all in one go. */
class Reader {
  readonly problems: string[] = []
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim()
    return value === '' ? undefined : value
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name)
    if (value === undefined) return fallback
    const n = Number(value)
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`)
      return fallback
    }
    return n
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name)
    if (value === undefined) return fallback
    const n = Number(value)
    if (!Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${name} must be a number from ${min} to ${max} (got "${value}")`)
      return fallback
    }
    return n
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase()
    if (value === undefined) return fallback
    if (['true', '1', 'yes', 'on'].includes(value)) return true
    if (['false', '0', 'no', 'off'].includes(value)) return false
    this.problems.push(`${name} must be true or false (got "${value}")`)
    return fallback
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name)?.toLowerCase()
    if (value === undefined) return fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`)
    return fallback
  }

  url(name: string, fallback?: string): URL | undefined {
    const value = this.raw(name) ?? fallback
    if (value === undefined) return undefined
    try {
      const url = new URL(value)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http')
      if (url.search || url.hash) throw new Error('has query')
      return url
    } catch {
      this.problems.push(
        `${name} must be an http(s) URL without query, e.g. https://abc123.ngrok-free.app (got "${withoutCredentials(value)}")`,
      )
      return undefined
    }
  }

  pattern(name: string, re: RegExp, expected: string): string | undefined {
    const value = this.raw(name)
    if (value !== undefined && !re.test(value)) {
      this.problems.push(`${name} must be ${expected} (got "${value.slice(0, 6)}…")`)
      return undefined
    }
    return value
  }

  /** false, or the proxies to trust: `true` means a proxy on this machine (the ngrok agent), never every hop. */
  proxies(name: string): false | string[] {
    const value = this.raw(name)
    if (value === undefined) return false
    const lower = value.toLowerCase()
    if (['false', '0', 'no', 'off'].includes(lower)) return false
    if (['true', '1', 'yes', 'on'].includes(lower)) return ['loopback']
    const entries = value
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)
    const bad = entries.filter((e) => !isProxyEntry(e))
    if (entries.length === 0 || bad.length > 0) {
      this.problems.push(
        `${name} must be true, false, or a comma-separated list of proxy addresses or CIDRs such as 10.0.0.0/8 (got ` +
          `"${value.slice(0, 80)}")`,
      )
      return false
    }
    return entries
  }

  /** A window such as 21-8 (24 h clock, minutes allowed: 22:30-7), or off. */
  quietHours(name: string, fallback: string): QuietWindow | undefined {
    const value = this.raw(name) ?? fallback
    if (['off', 'false', 'no', 'none'].includes(value.toLowerCase())) return undefined
    const window = parseQuietWindow(value)
    if (window === undefined) {
      this.problems.push(
        `${name} must be off or a window of local hours such as 21-8 (quiet from 21:00 until 08:00; got "${value.slice(0, 40)}")`,
      )
      return parseQuietWindow(fallback)
    }
    return window
  }

  timeZone(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback
    if (!isTimeZone(value)) {
      this.problems.push(`${name} must be an IANA time zone name such as America/New_York (got "${value.slice(0, 60)}")`)
      return fallback
    }
    return value
  }

  /** One line of text for an SMS, at most `max` characters. */
  text(name: string, fallback: string | undefined, max: number): string | undefined {
    const value = this.raw(name) ?? fallback
    if (value !== undefined && (value.length > max || /[\r\n]/.test(value))) {
      this.problems.push(`${name} must be one line of at most ${max} characters, to fit the HELP answer in one SMS (got ${value.length})`)
      return fallback
    }
    return value
  }

  country(name: string, fallback: string): CountryCode {
    const value = (this.raw(name) ?? fallback).toUpperCase()
    if (!isSupportedCountry(value)) {
      this.problems.push(`${name} must be a two-letter country code such as US or CA (got "${value}")`)
      return fallback as CountryCode
    }
    return value
  }

  countries(name: string, fallback: string): CountryCode[] {
    const value = this.raw(name) ?? fallback
    const codes = value
      .split(',')
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean)
    const bad = codes.filter((c) => !isSupportedCountry(c))
    if (codes.length === 0 || bad.length > 0) {
      this.problems.push(`${name} must be a comma-separated list of two-letter country codes such as US,CA (got "${value}")`)
      return fallback.split(',') as CountryCode[]
    }
    return codes as CountryCode[]
  }
}

/** A URL as an error message may show it: a user name and password in it are left out. */
function withoutCredentials(value: string): string {
  const scheme = value.indexOf('//')
  const at = value.indexOf('@', scheme + 2)
  const path = value.indexOf('/', scheme + 2)
  return scheme === -1 || at === -1 || (path !== -1 && path < at) ? value : `${value.slice(0, scheme + 2)}…@${value.slice(at + 1)}`
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal']

function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.includes(entry.toLowerCase())) return true
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)
}

/** A loopback host: the only place plain http may reach outside production (a provider, a receiver on this machine). */
function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** An https URL, or http on a loopback address outside production; never with a user name or password. */
function checkServiceUrl(r: Reader, name: string, url: URL | undefined, production: boolean): URL | undefined {
  if (url === undefined) return undefined
  if (url.username !== '' || url.password !== '') {
    r.problems.push(`${name} must not hold a user name or password`)
    return undefined
  }
  if (url.protocol === 'http:' && (production || !isLoopback(url))) {
    r.problems.push(`${name} must be https (plain http only for a loopback address, and never when NODE_ENV is production)`)
    return undefined
  }
  return url
}

/** Settings that go together: all of them, or none; otherwise one problem naming what is missing. */
function together(r: Reader, names: readonly string[]): string[] | undefined {
  const values = names.map((n) => r.raw(n))
  const missing = names.filter((_, i) => values[i] === undefined)
  if (missing.length === names.length) return undefined
  if (missing.length > 0) {
    r.problems.push(`${names.join(', ')} go together: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`)
    return undefined
  }
  return values as string[]
}

/** A comma-separated list, each entry checked; one problem naming the entries that are not right. */
function list(r: Reader, name: string, valid: RegExp, expected: string): string[] {
  const entries = (r.raw(name) ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  const bad = entries.filter((e) => !valid.test(e))
  if (bad.length > 0)
    r.problems.push(`${name} must be a comma-separated list of ${expected} (not: ${bad.slice(0, 3).join(', ').slice(0, 80)})`)
  return entries.filter((e) => valid.test(e))
}

function oidcConfig(r: Reader, production: boolean, publicUrl: URL | undefined): OidcConfig | undefined {
  const values = together(r, ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'])
  const scopes = r.string('OIDC_SCOPES', 'openid email profile').split(/\s+/).join(' ')
  if (!scopes.split(' ').includes('openid')) r.problems.push(`OIDC_SCOPES must include openid (got "${scopes.slice(0, 80)}")`)
  if (values === undefined) return undefined
  const issuer = checkServiceUrl(r, 'OIDC_ISSUER', r.url('OIDC_ISSUER'), production)
  if (publicUrl === undefined)
    r.problems.push('PUBLIC_URL is required with OIDC_ISSUER: the provider sends the browser back to PUBLIC_URL/auth/callback')
  if (issuer === undefined || publicUrl === undefined) return undefined
  const [, clientId, clientSecret] = values as [string, string, string]
  const name = r.text('OIDC_NAME', issuer.hostname, 40) ?? issuer.hostname
  return { issuer, clientId, clientSecret, scopes, name, redirectUri: publicHref(publicUrl, '/auth/callback') }
}

function eventsConfig(r: Reader, production: boolean): EventsConfig | undefined {
  const values = together(r, ['EVENTS_URL', 'EVENTS_SECRET'])
  if (values === undefined) return undefined
  const url = checkServiceUrl(r, 'EVENTS_URL', r.url('EVENTS_URL'), production)
  const secret = values[1] as string
  const key = /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret) ? Buffer.from(secret.slice(6), 'base64') : undefined
  if (key === undefined || key.length < 24 || key.length > 64) {
    r.problems.push('EVENTS_SECRET must be whsec_ followed by 24 to 64 random bytes in base64 (try: echo whsec_$(openssl rand -base64 32))')
    return undefined
  }
  return url === undefined ? undefined : { url, secret }
}

function auth0Config(r: Reader, production: boolean, oidc: OidcConfig | undefined): Auth0Config | undefined {
  const values = together(r, ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET'])
  if (values === undefined) return undefined
  const [domain, clientId, clientSecret] = values as [string, string, string]
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(domain)) {
    r.problems.push(`AUTH0_DOMAIN must be your tenant's domain, such as example.us.auth0.com (got "${domain.slice(0, 60)}")`)
    return undefined
  }
  if (oidc === undefined && r.raw('OIDC_ISSUER') === undefined) {
    r.problems.push(
      `AUTH0_DOMAIN needs OIDC_ISSUER (normally https://${domain}/), OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: people sign in with Auth0`,
    )
  }
  const managementUrl = checkServiceUrl(r, 'AUTH0_MANAGEMENT_URL', r.url('AUTH0_MANAGEMENT_URL', `https://${domain}`), production)
  return managementUrl === undefined ? undefined : { domain, clientId, clientSecret, managementUrl }
}

/** A public base URL (PUBLIC_URL, a tunnel's) followed by a path, whatever trailing slash the base was given. */
export function publicHref(base: URL, path = ''): string {
  return base.href.replace(/\/$/, '') + path
}

export function createConfig(env: Env): Config {
  const r = new Reader(env)
  // Any spelling: NODE_ENV=Production running as development would mean development secrets and /dev/outbox.
  const production = r.raw('NODE_ENV')?.toLowerCase() === 'production'

  const accountSid = r.pattern('TWILIO_ACCOUNT_SID', /^AC[0-9a-fA-F]{32}$/, 'an Account SID: AC followed by 32 hex digits')
  const authToken = r.pattern('TWILIO_AUTH_TOKEN', /^\S{16,}$/, 'your Twilio auth token (at least 16 characters, no spaces)')
  const phoneNumber = r.pattern('TWILIO_PHONE_NUMBER', /^\+[1-9]\d{6,14}$/, 'a phone number in E.164 form, e.g. +15551234567')
  const messagingServiceSid = r.pattern(
    'TWILIO_MESSAGING_SERVICE_SID',
    /^MG[0-9a-fA-F]{32}$/,
    'a Messaging Service SID: MG followed by 32 hex digits',
  )
  const apiUrl = r.url('TWILIO_API_URL', 'https://api.twilio.com')
  const hasTwilio = accountSid !== undefined && authToken !== undefined
  const smsSender = r.oneOf('SMS_SENDER', ['twilio', 'console'] as const, hasTwilio ? 'twilio' : 'console')

  if (smsSender === 'twilio') {
    if (accountSid === undefined) r.problems.push('TWILIO_ACCOUNT_SID is required when SMS_SENDER is twilio')
    if (authToken === undefined) r.problems.push('TWILIO_AUTH_TOKEN is required when SMS_SENDER is twilio')
    if (phoneNumber === undefined && messagingServiceSid === undefined) {
      r.problems.push('TWILIO_PHONE_NUMBER or TWILIO_MESSAGING_SERVICE_SID is required when SMS_SENDER is twilio')
    }
  }

  const sessionSecret = r.raw('SESSION_SECRET')
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    r.problems.push('SESSION_SECRET must be at least 32 characters (try: openssl rand -hex 32)')
  }
  if (production) {
    // The console sender keeps every one-time code in /dev/outbox: a production server never falls back to it.
    if (smsSender === 'console' && r.raw('SMS_SENDER') === undefined) {
      r.problems.push(
        'TWILIO_ACCOUNT_SID is required when NODE_ENV is production (or set SMS_SENDER=console to run without sending, on purpose)',
      )
    }
    if (sessionSecret === undefined) r.problems.push('SESSION_SECRET is required when NODE_ENV is production (try: openssl rand -hex 32)')
    if (authToken === undefined)
      r.problems.push('TWILIO_AUTH_TOKEN is required when NODE_ENV is production: webhook signatures are checked with it')
    if (r.raw('PUBLIC_URL') === undefined) {
      r.problems.push(
        "PUBLIC_URL is required when NODE_ENV is production: webhook signatures and links use it, never the request's own Host",
      )
    }
  }

  const adminToken = r.raw('ADMIN_TOKEN')
  if (adminToken !== undefined && adminToken.length < 16) {
    r.problems.push('ADMIN_TOKEN must be at least 16 characters (try: openssl rand -hex 24)')
  }

  const databaseUrl = r.raw('DATABASE_URL')
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\/./i.test(databaseUrl))
      r.problems.push('DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/smsbot')
    if (r.raw('DATABASE_PATH') !== undefined)
      r.problems.push('DATABASE_URL and DATABASE_PATH are both set: choose PostgreSQL (DATABASE_URL) or a SQLite file (DATABASE_PATH)')
    // Several instances share one database: they must agree on these, so no per-host development secret will do.
    if (authToken === undefined)
      r.problems.push('TWILIO_AUTH_TOKEN is required with DATABASE_URL: every instance must check webhook signatures with the same token')
    if (sessionSecret === undefined)
      r.problems.push('SESSION_SECRET is required with DATABASE_URL: every instance must sign sessions and hash codes with the same secret')
  }
  const databasePath = r.string('DATABASE_PATH', './data/smsbot.sqlite')

  const metricsToken = r.raw('METRICS_TOKEN')
  if (metricsToken !== undefined && metricsToken.length < 16) {
    r.problems.push('METRICS_TOKEN must be at least 16 characters (try: openssl rand -hex 24)')
  }

  const publicUrl = r.url('PUBLIC_URL')
  if (production && publicUrl?.protocol === 'http:') {
    r.problems.push(
      'PUBLIC_URL must be https when NODE_ENV is production: codes, sign-in links and session cookies must not cross the network in clear',
    )
  }
  const forwardUrl = r.url('FORWARD_URL')
  if (forwardUrl !== undefined && (forwardUrl.username !== '' || forwardUrl.password !== '')) {
    // fetch refuses such a URL, and the password would be in every log line that shows it.
    r.problems.push(
      'FORWARD_URL must not hold a user name or password: forwards are authenticated by their signature (FORWARD_SECRET); give the URL ' +
        'without user:password@',
    )
  } else if (production && forwardUrl?.protocol === 'http:') {
    r.problems.push("FORWARD_URL must be https when NODE_ENV is production: each forward carries a texter's phone number and message")
  }
  const forwardSecret = r.raw('FORWARD_SECRET')
  // Twilio waits 15 s for the webhook's answer: the forward must leave time for the rest of it.
  const forwardTimeoutMs = r.int('FORWARD_TIMEOUT_MS', 5000, 100, 12_000)
  if (forwardUrl !== undefined && (forwardSecret === undefined || forwardSecret.length < 16)) {
    r.problems.push(
      'FORWARD_SECRET is required with FORWARD_URL, at least 16 characters: ' +
        "your service checks each forward's signature with it (try: openssl rand -hex 32)",
    )
  }
  const oidc = oidcConfig(r, production, publicUrl)
  const events = eventsConfig(r, production)
  const auth0 = auth0Config(r, production, oidc)
  const allowedCountries = r.countries('ALLOWED_COUNTRIES', 'US,CA')
  const defaultCountry = r.country('DEFAULT_COUNTRY', 'US')

  const config: Config = {
    production,
    port: r.int('PORT', 3000, 0, 65535),
    host: r.string('HOST', '127.0.0.1'),
    publicUrl,
    trustProxy: r.proxies('TRUST_PROXY'),
    requestTimeoutSeconds: r.int('REQUEST_TIMEOUT_SECONDS', 30, 1, 600),
    databasePath,
    databaseUrl,
    databasePoolMax: r.int('DATABASE_POOL_MAX', 10, 1, 1000),
    databaseLocation: databaseUrl ?? databasePath,
    twilio: {
      accountSid,
      authToken,
      phoneNumber,
      messagingServiceSid,
      apiUrl: (apiUrl?.href ?? 'https://api.twilio.com').replace(/\/$/, ''),
    },
    smsSender,
    sessionSecret: sessionSecret !== undefined && sessionSecret.length >= 32 ? sessionSecret : undefined,
    adminToken: adminToken !== undefined && adminToken.length >= 16 ? adminToken : undefined,
    metricsToken: metricsToken !== undefined && metricsToken.length >= 16 ? metricsToken : undefined,
    otp: {
      length: r.int('OTP_LENGTH', 4, 4, 10),
      ttlSeconds: r.int('OTP_TTL_SECONDS', 600, 30, 86_400),
      maxAttempts: r.int('OTP_MAX_ATTEMPTS', 5, 1, 100),
      maxSendsPerHour: r.int('OTP_MAX_SENDS_PER_HOUR', 5, 1, 1000),
      resendSeconds: r.int('OTP_RESEND_SECONDS', 30, 0, 3600),
      maxFailuresPerDay: r.int('OTP_MAX_FAILURES_PER_DAY', 10, 1, 1000),
      maxSendsPerIpPerHour: r.int('OTP_MAX_SENDS_PER_IP_PER_HOUR', 10, 1, 10_000),
      maxFailuresPerIpPerHour: r.int('OTP_MAX_FAILURES_PER_IP_PER_HOUR', 20, 1, 10_000),
      linkTtlSeconds: r.int('SIGNIN_LINK_TTL_SECONDS', 900, 60, 86_400),
    },
    allowedCountries,
    defaultCountry,
    maxSubscriptions: r.int('MAX_SUBSCRIPTIONS', 20, 1, 10_000),
    conversationMinutes: r.int('CONVERSATION_MINUTES', 10, 1, 1440),
    forward:
      forwardUrl === undefined || forwardSecret === undefined
        ? undefined
        : { url: forwardUrl, secret: forwardSecret, timeoutMs: forwardTimeoutMs },
    sessionDays: r.int('SESSION_DAYS', 30, 1, 365),
    sendRatePerSecond: r.number('SEND_RATE_PER_SECOND', 1, 0.01, 10_000),
    sendConcurrency: r.int('SEND_CONCURRENCY', 10, 1, 1000),
    sendLeaseSeconds: r.int('SEND_LEASE_SECONDS', 30, 5, 3600),
    sendMaxAttempts: r.int('SEND_MAX_ATTEMPTS', 5, 1, 50),
    retention: {
      inboundDays: r.int('INBOUND_RETENTION_DAYS', 7, 1, 3650),
      outboxDays: r.int('OUTBOX_RETENTION_DAYS', 30, 1, 3650),
    },
    quietHours: r.quietHours('QUIET_HOURS', '21-8'),
    defaultTimeZone: r.timeZone('DEFAULT_TIME_ZONE', 'America/New_York'),
    program: {
      name: r.text('PROGRAM_NAME', 'smsbot', 30) as string,
      contact: r.text('SUPPORT_CONTACT', undefined, 60),
    },
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    oidc,
    events,
    auth0,
    operators: {
      phones: list(r, 'OPERATOR_PHONES', /^\+[1-9]\d{6,14}$/, 'phone numbers in E.164 form, e.g. +16175550123'),
      emails: list(r, 'OPERATOR_EMAILS', /^[^\s@,]+@[^\s@,]+$/, 'e-mail addresses').map((e) => e.toLowerCase()),
    },
  }

  if (!allowedCountries.includes(defaultCountry) && r.problems.length === 0) {
    r.problems.push(`DEFAULT_COUNTRY (${defaultCountry}) must be one of ALLOWED_COUNTRIES (${allowedCountries.join(',')})`)
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems)
  return config
}
