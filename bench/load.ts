// The webhook load: Twilio-shaped signed requests built before the run, driven by autocannon.
import autocannon from 'autocannon'
import { inboundParams, signWebhook } from '../src/twilio/simulate.js'

export const ACCOUNT_SID = `AC${'0'.repeat(32)}`

export interface SignedRequest {
  body: string
  signature: string
}

export interface Workload {
  name: string
  /** The SMS body of request i. */
  text: (i: number) => string
  /** The sender of request i. */
  from: (i: number) => string
}

let sidCounter = 0

/** `count` signed requests, each with its own MessageSid, signed for `url` with `authToken`. */
export function signedRequests(workload: Workload, count: number, url: string, authToken: string): SignedRequest[] {
  const requests = new Array<SignedRequest>(count)
  for (let i = 0; i < count; i++) {
    sidCounter += 1
    const messageSid = `SM${sidCounter.toString(16).padStart(32, '0')}`
    const params = inboundParams({
      from: workload.from(i),
      to: '+16175550100',
      body: workload.text(i),
      accountSid: ACCOUNT_SID,
      messageSid,
    })
    requests[i] = { body: new URLSearchParams(params).toString(), signature: signWebhook(authToken, url, params) }
  }
  return requests
}

export interface LoadResult {
  requestsPerSecond: number
  p50: number
  p97_5: number
  p99: number
  errors: number
  non2xx: number
  requests: number
  /** Requests that had to reuse a signed request because the pool ran out (0 means every MessageSid was new). */
  reused: number
  /** CPU time per request, in µs, where the run measured it (absent in results from before it). */
  cpu?: CpuPerRequest
}

/** Where the CPU time of a run went, per request, in µs. */
export interface CpuPerRequest {
  /** The service under test. */
  server: number
  /** The load generator (autocannon, in the bench's own process). */
  load: number
  /** The PostgreSQL server's processes, when the service used one running on this machine. */
  postgres?: number
}

/** Posts the signed requests to `url` + /sms over `connections` connections for `seconds`. */
export async function drive(url: string, pool: SignedRequest[], seconds: number, connections = 10): Promise<LoadResult> {
  let next = 0
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/sms',
        setupRequest: (request) => {
          const signed = pool[next % pool.length] as SignedRequest
          next += 1
          request.body = signed.body
          request.headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed.signature }
          return request
        },
      },
    ],
  })
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
    reused: Math.max(0, next - pool.length),
  }
}
