// What every part that sends an SMS depends on, and the errors a send can end with.
export interface OutboundSms {
  to: string
  body: string
  /** Where Twilio posts delivery status for this message. */
  statusCallback?: string | undefined
  /** The body holds a secret (a one-time code): never write it to a log. */
  sensitive?: boolean
}

export interface SentSms {
  sid: string
}

export interface SmsSender {
  readonly kind: 'twilio' | 'console' | 'test'
  send(sms: OutboundSms): Promise<SentSms>
}

/** A send that did not go through; `retryable` says whether trying again later can help. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** Twilio's error code, e.g. 21610 (recipient opted out). */
    readonly code?: number,
  ) {
    super(message)
    this.name = 'SendError'
  }
}

/** 429, 5xx and network failures are worth retrying; other 4xx are permanent. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500
}
