// How many SMS segments a text takes: counted directly for text in GSM-7's basic alphabet, by sms-segments-calculator otherwise.
import { SegmentedMessage } from 'sms-segments-calculator'

/** Twilio's limit for one message body: the longest text smsbot sends, in characters. */
export const MAX_BODY = 1600

/**
 * GSM 03.38's basic character set, each one septet: almost every reply is written in it. sms-segments-calculator
 * splits the text into graphemes first, which costs more than the rest of a webhook request; for these characters
 * the count is plain arithmetic (test/copy/segments.test.ts checks it against the library).
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)

/** One segment holds 160 septets; a longer text is split in segments of 153 (7 go to the header that joins them). */
function basicSegments(length: number): number {
  return length <= 160 ? 1 : Math.ceil(length / 153)
}

export function segmentsOf(text: string): number {
  for (const char of text) if (!GSM7_BASIC.has(char)) return new SegmentedMessage(text).segmentsCount
  return basicSegments(text.length)
}
