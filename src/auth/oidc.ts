// The OpenID Connect client (openid-client): the provider discovered once, the authorization URL, and the code grant.
import type * as Client from 'openid-client'
import type { OidcConfig } from '../config.js'
import type { ProviderUser } from '../profiles/queries.js'
import { oneLine } from '../text/control.js'

/** How long a request to the provider may take, in seconds (discovery, the token endpoint, its keys). */
const PROVIDER_TIMEOUT_SECONDS = 10

/** What a started sign-in must remember for its callback, and where the browser goes to sign in. */
export interface LoginStart {
  url: URL
  state: string
  nonce: string
  codeVerifier: string
}

/**
 * Why a sign-in did not complete: the provider could not be reached or answered something that is not OpenID Connect
 * (`unreachable`), or it refused, or what it sent did not validate (`refused`: an `error=`, a foreign or replayed code,
 * an ID token for another client, a wrong nonce or signature).
 */
export class SignInError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'refused',
    /** The library's code or the error's name, for the log: never a token or a claim. */
    readonly detail: string,
  ) {
    super(`sign-in ${reason}: ${detail}`)
    this.name = 'SignInError'
  }
}

export interface OidcClient {
  /** A new sign-in: fresh state, nonce and PKCE verifier, and the provider's URL that asks for them; or why not. */
  start(): Promise<LoginStart | SignInError>
  /**
   * Completes a sign-in from the callback's query string: the code is exchanged with the verifier, and the library
   * validates the ID token (issuer, audience = our client, signature, nonce). The provider's user, or why not.
   */
  finish(callbackQuery: string, login: Omit<LoginStart, 'url'>): Promise<ProviderUser | SignInError>
}

/** openid-client, loaded at the first sign-in: a server without OIDC_* set never loads it. */
let library: Promise<typeof Client> | undefined
/** The library once loaded, for the error checks below (an error before it loads is not one of its own). */
let loaded: typeof Client | undefined

function openidClient(): Promise<typeof Client> {
  library ??= import('openid-client').then((lib) => (loaded = lib))
  return library
}

/** The library's own failures to reach or read the provider, as opposed to a response it read and refused. */
const UNREADABLE = new Set(['OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON', 'OAUTH_PARSE_ERROR', 'OAUTH_INVALID_RESPONSE'])

function signInError(err: unknown, during: 'discovery' | 'grant'): SignInError {
  const client = loaded
  const code = client !== undefined && err instanceof client.ClientError && err.code !== undefined ? err.code : (err as Error).name
  if (during === 'discovery') return new SignInError('unreachable', code)
  if (client !== undefined && (err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError)) {
    return new SignInError('refused', `${code}: ${err.error}`)
  }
  // fetch's TypeError (connection refused, DNS), a timeout's abort, or a body that is not JSON: nothing was decided.
  const unreachable = err instanceof TypeError || code === 'TimeoutError' || code === 'AbortError' || UNREADABLE.has(code)
  return new SignInError(unreachable ? 'unreachable' : 'refused', code)
}

/** A claim as one short line of text, or null when the ID token has none. */
function textClaim(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null
  const text = oneLine(value).slice(0, max)
  return text === '' ? null : text
}

/**
 * The client of one provider. Discovery happens at the first sign-in and is kept; when it fails (the provider is
 * down), the next sign-in tries again. Plain http is allowed only for an http issuer, which config.ts limits to a
 * loopback address outside production.
 */
export function oidcClient(config: OidcConfig): OidcClient {
  let discovered: Promise<Client.Configuration> | undefined

  function configuration(): Promise<Client.Configuration> {
    if (discovered !== undefined) return discovered
    const insecure = config.issuer.protocol === 'http:'
    const attempt = openidClient().then((client) =>
      client.discovery(config.issuer, config.clientId, config.clientSecret, undefined, {
        execute: insecure ? [client.allowInsecureRequests] : [],
        timeout: PROVIDER_TIMEOUT_SECONDS,
      }),
    )
    discovered = attempt
    attempt.catch(() => {
      if (discovered === attempt) discovered = undefined
    })
    return attempt
  }

  return {
    async start() {
      try {
        const oidc = await configuration()
        const client = await openidClient()
        const codeVerifier = client.randomPKCECodeVerifier()
        const state = client.randomState()
        const nonce = client.randomNonce()
        const url = client.buildAuthorizationUrl(oidc, {
          redirect_uri: config.redirectUri,
          scope: config.scopes,
          code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        })
        return { url, state, nonce, codeVerifier }
      } catch (err) {
        // No usable metadata (down, not JSON, another issuer, no authorization endpoint): the provider cannot be used now.
        return signInError(err, 'discovery')
      }
    },

    async finish(callbackQuery, login) {
      // The redirect URI as registered, with the provider's parameters: the library sends it to the token endpoint.
      const currentUrl = new URL(config.redirectUri)
      currentUrl.search = callbackQuery
      try {
        const oidc = await configuration()
        const client = await openidClient()
        const tokens = await client.authorizationCodeGrant(oidc, currentUrl, {
          expectedState: login.state,
          expectedNonce: login.nonce,
          pkceCodeVerifier: login.codeVerifier,
        })
        const claims = tokens.claims()
        /* c8 ignore next -- the library already refuses a token response without an ID token when a nonce is expected */
        if (claims === undefined) return new SignInError('refused', 'no ID token')
        // Only an e-mail the provider says it verified is kept: without the claim, anyone could have typed it (and
        // OPERATOR_EMAILS trusts profiles.email).
        const email = claims.email_verified === true ? textClaim(claims.email, 320) : null
        return { issuer: claims.iss, subject: claims.sub, email, name: textClaim(claims.name, 200) }
      } catch (err) {
        return signInError(err, 'grant')
      }
    },
  }
}
