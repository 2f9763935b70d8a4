// What the Twilio error codes operators meet mean, in a sentence each, with what to do about them (English).

/** Twilio's page for a code: the full text, with its causes and fixes. */
export const twilioErrorUrl = (code: number): string => `https://www.twilio.com/docs/api/errors/${code}`

/**
 * The codes smsbot's sends end with most often: REST answers (2xxxx) and delivery receipts (3xxxx). Each says what
 * happened and, where the operator can act, what to do.
 */
const MEANINGS: Readonly<Record<number, string>> = {
  20003: 'Twilio refused the credentials: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, and that the account is active.',
  20429: "Too many requests at once for Twilio's API: smsbot waits and tries again; lower SEND_CONCURRENCY if it keeps happening.",
  21211: "The 'To' number is not a valid phone number: smsbot marks the phone unreachable and sends it nothing more.",
  21408: "Sending to this number's country is not enabled: turn the region on in the Twilio console's SMS geographic permissions.",
  21606: "The 'From' number cannot send SMS from this account: check TWILIO_PHONE_NUMBER (or TWILIO_MESSAGING_SERVICE_SID).",
  21610: 'The recipient replied STOP to this number: smsbot marks the phone opted out; it gets nothing until it texts START.',
  21612: 'Twilio cannot route a message between this sender and this number (the carrier or the sender type does not allow it).',
  21614: "The 'To' number is not a mobile number (a landline, say): smsbot marks the phone unreachable.",
  21617: 'The message is longer than 1 600 characters, the most Twilio sends.',
  30001: "Twilio's queue for this sender overflowed: too many messages were waiting; send more slowly.",
  30002: 'The Twilio account is suspended: see the Twilio console.',
  30003: 'The handset could not be reached: it was off, out of coverage or its inbox was full. A later message may get through.',
  30004: 'The message was blocked: the recipient blocks texts from this number, or the carrier blocked it.',
  30005: 'The number does not exist or is no longer in service (unknown destination handset).',
  30006: 'The number is a landline, or its carrier cannot be reached by SMS.',
  30007: 'The carrier filtered the message as spam: check the text (links, wording) and that the sender is registered.',
  30008: 'The carrier reported an unknown error; a later message may get through.',
  30009: 'Part of a long message went missing on the way (missing segment).',
  30010: 'The price of the message was above the highest price set for it.',
  30022: 'The US A2P 10DLC throughput limit of this sender was passed: lower SEND_RATE_PER_SECOND.',
  30023: "The daily message cap of this sender's 10DLC registration at T-Mobile was reached: the rest goes out tomorrow.",
  30032: 'The toll-free number has not been verified: US carriers block its messages until Twilio verifies it.',
  30034: 'The sender is a US 10DLC number that is not registered in an A2P campaign: carriers block its messages until it is.',
}

/** What a Twilio error code means, in a sentence; a code not listed here points to Twilio's page for it. */
export function twilioErrorMeaning(code: number | null): string {
  if (code === null) return 'No Twilio error code: the send failed before Twilio answered (a network error, or smsbot gave up retrying).'
  return MEANINGS[code] ?? `smsbot has no description of Twilio error ${code}: see ${twilioErrorUrl(code)}.`
}
