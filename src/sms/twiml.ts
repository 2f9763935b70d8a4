// TwiML for a reply: one <Message>, or an empty <Response/>; byte for byte what the Twilio SDK's builder writes.
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>'

/** Characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE/U+FFFF); they are dropped. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' }

/**
 * The SDK's MessagingResponse builds an XML document per reply, which cost more than the rest of an H request;
 * this writes the same bytes directly (test/sms/twiml.test.ts compares both on every reply and on fuzzed text).
 */
export function toTwiml(text: string): string {
  if (text === '') return `${HEAD}<Response/>`
  const escaped = text.replace(NOT_XML, '').replace(/[&<>\r]/g, (c) => ESCAPES[c] as string)
  return `${HEAD}<Response>${escaped === '' ? '<Message/>' : `<Message>${escaped}</Message>`}</Response>`
}
