// The pages driven as a browser would through inject: cookies kept (and dropped when cleared), the last CSRF token, one Accept-Language.
import type { FastifyInstance } from 'fastify'

export class Browser {
  cookies = new Map<string, string>()
  csrf = ''
  constructor(
    readonly app: FastifyInstance,
    readonly acceptLanguage?: string,
  ) {}

  private headers(extra: Record<string, string> = {}) {
    return {
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      ...(this.acceptLanguage === undefined ? {} : { 'accept-language': this.acceptLanguage }),
      ...extra,
    }
  }

  private remember(response: Awaited<ReturnType<FastifyInstance['inject']>>) {
    for (const c of response.cookies) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token !== null) this.csrf = token[1] as string
    return response
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: this.headers() }))
  }

  async post(url: string, form: Record<string, string>, withToken = true) {
    const payload = new URLSearchParams(withToken ? { _csrf: this.csrf, ...form } : form).toString()
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
        payload,
      }),
    )
  }
}
