// toTwiml writes exactly what the Twilio SDK's MessagingResponse builds for every text the SDK accepts, and drops
// the characters XML cannot carry (which the SDK refuses). The oracles here are the SDK itself, expected documents
// written out literally, and fast-xml-parser reading the output back; none reuses the implementation's character class.
import t, { type Test } from 'tap'
import twilio from 'twilio'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { COMMANDS } from '../../src/sms/commands/index.js'
import { helpText } from '../../src/sms/commands/help.js'
import { smsCopy } from '../../src/copy/index.js'
import { toTwiml } from '../../src/sms/twiml.js'

/** The SDK's builder, as the route used it before. Throws for a character XML cannot carry. */
function sdkTwiml(text: string): string {
  const response = new twilio.twiml.MessagingResponse()
  if (text !== '') response.message(text)
  return response.toString()
}

/** Whether the SDK's XML builder takes this character (one code point, or one lone surrogate). */
const accepted = new Map<string, boolean>()
function sdkAccepts(char: string): boolean {
  let ok = accepted.get(char)
  if (ok === undefined) {
    try {
      sdkTwiml(char)
      ok = true
    } catch {
      ok = false
    }
    accepted.set(char, ok)
  }
  return ok
}

/** What the reply should say: the text with every character the SDK refuses left out (`for…of` walks code points). */
function keptBySdk(text: string): string {
  let kept = ''
  for (const char of text) if (sdkAccepts(char)) kept += char
  return kept
}

// htmlEntities: numeric character references such as &#xD; (a carriage return) are decoded too.
const parser = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
})

/** Checks that `xml` is well formed and reads back to a response with `message` (undefined: no <Message>). */
function readsBackAs(t: Test, xml: string, message: string | undefined, label: string) {
  t.equal(XMLValidator.validate(xml), true, `${label}: well formed`)
  const parsed = parser.parse(xml) as { Response: { Message?: string } | '' }
  if (message === undefined) t.same(parsed, { Response: '' }, `${label}: an empty <Response/>`)
  else t.same(parsed, { Response: { Message: message } }, `${label}: one <Message> with the kept text`)
}

t.test('texts the SDK accepts: byte for byte what MessagingResponse writes', async (t) => {
  const cases = [
    '',
    'H',
    helpText(COMMANDS, 'en'),
    helpText(COMMANDS, 'es'),
    smsCopy.en.failure,
    'a & b < c > d " e \' f',
    '&amp; stays escaped once',
    'line\r\nbreak\ttab',
    'emoji 😀🎉 and ñ',
    ']]> cdata end',
    '\u007F\u0080\u0085\u009F',
    '\uD7FF\uE000\uFFFD',
    '\u{10000}\u{10FFFF}',
    '\uD83D\uDE00 a pair',
  ]
  for (const text of cases) {
    t.equal(toTwiml(text), sdkTwiml(text), JSON.stringify(text))
    readsBackAs(t, toTwiml(text), text === '' ? undefined : text, JSON.stringify(text))
  }
  t.equal(toTwiml(''), '<?xml version="1.0" encoding="UTF-8"?><Response/>')
  t.equal(toTwiml('a<b'), '<?xml version="1.0" encoding="UTF-8"?><Response><Message>a&lt;b</Message></Response>')
  t.equal(toTwiml('a\r\nb'), '<?xml version="1.0" encoding="UTF-8"?><Response><Message>a&#xD;\nb</Message></Response>')
})

t.test('characters XML cannot carry are dropped: each case written out', async (t) => {
  // The SDK throws on these; the reply leaves them out and keeps the rest.
  const cases: Array<[string, string]> = [
    ['nul\u0000and\u0008bell', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>nulandbell</Message></Response>'],
    ['\u0000\u0001', '<?xml version="1.0" encoding="UTF-8"?><Response><Message/></Response>'],
    ['a\u000Bb\u000Cc\u001Fd', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>abcd</Message></Response>'],
    ['tab\tcr\rlf\nkept\u0001', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>tab\tcr&#xD;lf\nkept</Message></Response>'],
    ['lone \uD800 surrogate', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>lone  surrogate</Message></Response>'],
    ['low \uDFFF alone', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>low  alone</Message></Response>'],
    ['reversed \uDE00\uD83D pair', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>reversed  pair</Message></Response>'],
    ['high\uD83D', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>high</Message></Response>'],
    // Dropping the NUL must not join the two halves into a pair (U+103FF) that was never in the text.
    ['a\uD800\u0000\uDC00b', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ab</Message></Response>'],
    ['\uFFFE\uFFFF', '<?xml version="1.0" encoding="UTF-8"?><Response><Message/></Response>'],
    ['x\uFFFEy\uFFFFz', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>xyz</Message></Response>'],
    ['&\u0000<\u0002>', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>&amp;&lt;&gt;</Message></Response>'],
    ['😀\u0007🎉', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>😀🎉</Message></Response>'],
  ]
  for (const [text, expected] of cases) {
    t.throws(() => sdkTwiml(text), `${JSON.stringify(text)}: the SDK refuses it`)
    t.equal(toTwiml(text), expected, JSON.stringify(text))
  }
})

t.test('every UTF-16 code unit alone: the SDK output when it takes the character, else an empty <Message/>', async (t) => {
  const emptyMessage = '<?xml version="1.0" encoding="UTF-8"?><Response><Message/></Response>'
  let refused = 0
  const mismatches: string[] = []
  for (let unit = 0; unit <= 0xffff; unit++) {
    const text = String.fromCharCode(unit)
    const expected = sdkAccepts(text) ? sdkTwiml(text) : emptyMessage
    if (expected === emptyMessage) refused += 1
    if (toTwiml(text) !== expected) mismatches.push(`U+${unit.toString(16).toUpperCase().padStart(4, '0')}`)
  }
  t.same(mismatches.slice(0, 20), [], 'no code unit differs (the first 20 listed)')
  t.equal(mismatches.length, 0, 'code units that differ')
  // XML 1.0 Char excludes 29 C0 controls (all but tab, LF, CR), 2048 surrogates (alone) and U+FFFE, U+FFFF.
  t.equal(refused, 29 + 2048 + 2, 'the SDK refuses exactly the code units XML 1.0 excludes')
})

t.test('2 000 random strings over the characters that matter', async (t) => {
  const alphabet = [
    'a',
    'Z',
    '0',
    ' ',
    '&',
    '<',
    '>',
    '"',
    "'",
    '\r',
    '\n',
    '\t',
    '\u0000',
    '\u001F',
    '\u007F',
    'é',
    '\uD83D\uDE00',
    '\uD800',
    '\uDFFF',
    '\uFFFD',
    '\uFFFE',
    ';',
    '#',
  ]
  let seed = 42
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  let mismatches = 0
  let withDropped = 0
  /** Reports the first 20 mismatches in full, then only counts them. */
  const mismatch = (report: () => void) => {
    mismatches += 1
    if (mismatches <= 20) report()
  }
  for (let i = 0; i < 2000; i++) {
    const text = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
    const kept = keptBySdk(text)
    if (kept !== text) withDropped += 1
    // The empty text is an empty <Response/>; a text whose every character was dropped is an empty <Message/>.
    const expected =
      text === '' ? sdkTwiml('') : kept === '' ? '<?xml version="1.0" encoding="UTF-8"?><Response><Message/></Response>' : sdkTwiml(kept)
    const actual = toTwiml(text)
    if (actual !== expected) mismatch(() => t.equal(actual, expected, JSON.stringify(text)))
    // Read back by an XML parser: well formed, and the message is the kept text, with nothing the SDK refuses.
    const parsed = parser.parse(actual) as { Response: { Message?: string } | '' }
    if (
      XMLValidator.validate(actual) !== true ||
      (text !== '' && (typeof parsed.Response !== 'object' || (parsed.Response.Message ?? '') !== kept))
    ) {
      mismatch(() => t.fail(`${JSON.stringify(text)} does not read back as ${JSON.stringify(kept)}: ${JSON.stringify(actual)}`))
    }
  }
  t.equal(mismatches, 0, 'texts whose reply differs or does not read back')
  t.equal(withDropped, 1731, 'the fixed seed gives 1731 texts with a character to drop, 269 the SDK takes whole')
})
