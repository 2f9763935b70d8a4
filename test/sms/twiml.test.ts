// toTwiml writes exactly what the Twilio SDK's MessagingResponse builds, for every reply and for fuzzed text.
import t from 'tap'
import twilio from 'twilio'
import { replies } from '../../src/sms/replies.js'
import { toTwiml } from '../../src/sms/twiml.js'

const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/** The SDK's builder, as the route used it before: the oracle. */
function sdkTwiml(text: string): string {
  const response = new twilio.twiml.MessagingResponse()
  if (text !== '') response.message(text.replace(NOT_XML, ''))
  return response.toString()
}

t.test('fixed cases: empty, escapes, carriage returns, invalid characters, emoji', async (t) => {
  const cases = ['', 'H', replies.help, replies.failure, 'a & b < c > d " e \' f', '&amp; stays escaped once', 'line\r\nbreak\ttab',
    'nul\u0000and\u0008bell', '\u0000\u0001', 'lone \uD800 surrogate', '\uFFFE\uFFFF', 'emoji 😀🎉 and ñ', ']]> cdata end']
  for (const text of cases) t.equal(toTwiml(text), sdkTwiml(text), JSON.stringify(text))
  t.equal(toTwiml(''), '<?xml version="1.0" encoding="UTF-8"?><Response/>')
  t.equal(toTwiml('a<b'), '<?xml version="1.0" encoding="UTF-8"?><Response><Message>a&lt;b</Message></Response>')
})

t.test('2 000 random strings over the characters that matter', async (t) => {
  const alphabet = ['a', 'Z', '0', ' ', '&', '<', '>', '"', "'", '\r', '\n', '\t', '\u0000', '\u001F', '\u007F', 'é', '\uD83D\uDE00', '\uD800', '\uDFFF', '\uFFFD', '\uFFFE', ';', '#']
  let seed = 42
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  let mismatches = 0
  for (let i = 0; i < 2000; i++) {
    const text = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
    if (toTwiml(text) !== sdkTwiml(text)) {
      mismatches += 1
      t.equal(toTwiml(text), sdkTwiml(text), JSON.stringify(text))
    }
  }
  t.equal(mismatches, 0)
})
