// Replies first (SPEC §14), measured: codes requested through the web form while a notification fans out at the send rate.
import { setTimeout as delay } from 'node:timers/promises'
import type { MockTwilioProcess, Service } from './processes.js'

export interface RepliesResult {
  configured: number
  /** The notification's recipients, and the instances sending it (codes are asked of each in turn). */
  recipients: number
  instances: number
  codes: number
  /** Codes whose request was answered 200 (sent). */
  answered: number
  /** From each code's request to its arrival at the mock, in ms (sorted; missing codes are left out). */
  latencies: number[]
  p50: number
  p99: number
  max: number
  /** Codes that never reached the mock. */
  missing: number
  /**
   * The most arrivals (codes and notifications together) within any closed 1-second window at the mock, from the
   * fan-out's start until every code arrived (the fleet: until the fan-out's end).
   */
  busiestSecond: number
}

/** The n-th phone asking for a code (not among the notification's audience). */
export const codePhone = (n: number) => `+1617${String(3_000_000 + n)}`

/** Asks for a code on the web form: the page's CSRF token and cookie, then the phone. */
async function requestCode(url: string, phone: string): Promise<boolean> {
  const page = await fetch(`${url}/verify`)
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const answer = await fetch(`${url}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: token, phone }).toString(),
  })
  await answer.text()
  return answer.status === 200
}

/**
 * While `services` send a notification at SEND_RATE_PER_SECOND (`configured`, their total) to the mock, asks for
 * `codes` codes (different phones, of each service in turn) spread evenly over `seconds`, and times each at the mock.
 * Returns once every code has arrived (or 10 s after the last was asked for); the caller waits for the fan-out's end and
 * reads the busiest second.
 */
export async function measureReplies(
  services: Service[],
  mock: MockTwilioProcess,
  options: { configured: number; recipients: number; codes: number; seconds: number },
): Promise<Omit<RepliesResult, 'busiestSecond'>> {
  const { codes } = options
  // The fan-out runs at full rate before the first code is asked for.
  while ((await mock.stats()).count < options.configured) await delay(50)
  const phones = Array.from({ length: codes }, (_, i) => codePhone(i))
  const askedAt: number[] = []
  const asks: Array<Promise<boolean>> = []
  for (let i = 0; i < codes; i++) {
    askedAt.push(Date.now())
    asks.push(requestCode((services[i % services.length] as Service).url, phones[i] as string))
    await delay((options.seconds * 1000) / codes)
  }
  const answered = (await Promise.all(asks)).filter(Boolean).length
  const deadline = Date.now() + 10_000
  let arrivals = await mock.arrivals(phones)
  while (arrivals.includes(null) && Date.now() < deadline) {
    await delay(100)
    arrivals = await mock.arrivals(phones)
  }
  const latencies = arrivals
    .map((at, i) => (at === null ? undefined : at - (askedAt[i] as number)))
    .filter((ms): ms is number => ms !== undefined)
    .sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? Number.NaN
  return {
    configured: options.configured,
    recipients: options.recipients,
    instances: services.length,
    codes,
    answered,
    latencies,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? Number.NaN,
    missing: codes - latencies.length,
  }
}
