// parseMessage: every command and alias, the carrier keywords, numbers, suggestions, reserved words, and a fuzz run.
import t from 'tap'
import { COMMANDS } from '../../src/sms/commands/index.js'
import {
  HELP_KEYWORDS,
  normalizeBody,
  OPT_IN_KEYWORDS,
  OPT_OUT_KEYWORDS,
  parseMessage,
  reservedAs,
  suggestCommand,
} from '../../src/sms/parse.js'

/** What a parse comes to, with the command named by its id. */
function shape(body: string, numMedia = 0) {
  const parsed = parseMessage(body, numMedia)
  if (parsed.kind !== 'command') return parsed
  return { id: parsed.command.id, word: parsed.word, argument: parsed.argument, text: parsed.text }
}

t.test('every command and alias, in any case, with space and trailing punctuation', async (t) => {
  const cases: Array<[string, ReturnType<typeof shape>]> = [
    ['H', { id: 'help', word: 'H', argument: null, text: null }],
    ['?', { id: 'help', word: '?', argument: null, text: null }],
    ['??', { id: 'help', word: '?', argument: null, text: null }],
    ['  h!! ', { id: 'help', word: 'H', argument: null, text: null }],
    ['S', { id: 'signup', word: 'S', argument: null, text: null }],
    ['signup.', { id: 'signup', word: 'SIGNUP', argument: null, text: null }],
    ['SUB CS2500-01', { id: 'subscribe', word: 'SUB', argument: 'CS2500-01', text: 'CS2500-01' }],
    ['subscribe cs2500-01!', { id: 'subscribe', word: 'SUBSCRIBE', argument: 'CS2500-01', text: 'cs2500-01' }],
    ['Sub   cs2500.01 ', { id: 'subscribe', word: 'SUB', argument: 'CS2500.01', text: 'cs2500.01' }],
    ['SUB', { id: 'subscribe', word: 'SUB', argument: null, text: null }],
    ['unsub cs2500-01', { id: 'unsubscribe', word: 'UNSUB', argument: 'CS2500-01', text: 'cs2500-01' }],
    ['UNSUB ALL.', { id: 'unsubscribe', word: 'UNSUB', argument: 'ALL', text: 'ALL' }],
    ['l', { id: 'list', word: 'L', argument: null, text: null }],
    ['topics?', { id: 'topics', word: 'TOPICS', argument: null, text: null }],
    ['T', { id: 'topics', word: 'T', argument: null, text: null }],
    ['more', { id: 'more', word: 'MORE', argument: null, text: null }],
    ['Más', { id: 'more', word: 'MÁS', argument: null, text: null }],
    ['QUIET 22-7', { id: 'quiet', word: 'QUIET', argument: '22-7', text: '22-7' }],
    ['tz america/chicago', { id: 'timeZone', word: 'TZ', argument: 'AMERICA/CHICAGO', text: 'america/chicago' }],
    ['lang es', { id: 'language', word: 'LANG', argument: 'ES', text: 'es' }],
    ['Español', { id: 'language', word: 'ESPAÑOL', argument: null, text: null }],
    ['ESPANOL', { id: 'language', word: 'ESPANOL', argument: null, text: null }],
    ['english', { id: 'language', word: 'ENGLISH', argument: null, text: null }],
  ]
  for (const [body, expected] of cases) t.same(shape(body), expected, JSON.stringify(body))
})

t.test('carrier keywords: opt-out and opt-in only alone, HELP and INFO as the first word; they are no command', async (t) => {
  t.equal(OPT_OUT_KEYWORDS.length, 8)
  t.equal(OPT_IN_KEYWORDS.length, 3)
  for (const word of OPT_OUT_KEYWORDS) {
    t.same(parseMessage(word), { kind: 'optOut', keyword: word }, word)
    t.same(parseMessage(` ${word.toLowerCase()}. `), { kind: 'optOut', keyword: word }, `${word} lower case`)
  }
  for (const word of OPT_IN_KEYWORDS) t.same(parseMessage(word.toLowerCase()), { kind: 'optIn', keyword: word }, word)
  for (const word of HELP_KEYWORDS) {
    t.same(parseMessage(word.toLowerCase()), { kind: 'info' }, word)
    t.same(parseMessage(`${word} please`), { kind: 'info' }, `${word} with more words`)
  }
  t.equal(parseMessage('stop sending me this').kind, 'unknown')
  t.same(
    parseMessage('UNSUBSCRIBE CS2500-01'),
    { kind: 'unknown', word: 'UNSUBSCRIBE', suggestion: 'SUB <topic>' },
    'UNSUBSCRIBE with a topic is not the opt-out',
  )
})

t.test('a message that is just a number is a number; anything more is not', async (t) => {
  t.same(parseMessage('2'), { kind: 'number', number: 2 })
  t.same(parseMessage(' 12. '), { kind: 'number', number: 12 })
  t.same(parseMessage('0042'), { kind: 'number', number: 42 })
  t.equal(parseMessage('12345').kind, 'unknown', 'five digits are no menu number')
  t.equal(parseMessage('2 3').kind, 'unknown')
  t.equal(parseMessage('#2').kind, 'unknown')
})

t.test('empty, media-only and text-less messages', async (t) => {
  t.same(parseMessage(''), { kind: 'empty' })
  t.same(parseMessage('   \n '), { kind: 'empty' })
  t.same(parseMessage('', 1), { kind: 'mediaOnly' })
  t.same(shape('H', 2), { id: 'help', word: 'H', argument: null, text: null }, 'a command with an attachment is still the command')
  t.same(parseMessage('🎉🎉'), { kind: 'noText' })
  t.same(parseMessage('👍 !!'), { kind: 'noText' })
  t.same(parseMessage('?', 0, []), { kind: 'empty' }, 'without a command for ?, a lone ? is nothing')
})

t.test('unknown words get the closest command from the list, or none when nothing is close', async (t) => {
  t.equal(suggestCommand('LSIT'), 'LIST')
  t.equal(suggestCommand('subb'), 'SUB <topic>')
  t.equal(suggestCommand('TOPIC'), 'TOPICS')
  t.equal(suggestCommand('unsbu'), 'UNSUB <topic>')
  t.equal(suggestCommand('HLEP'), 'H')
  t.equal(suggestCommand('signpu'), 'S')
  t.equal(suggestCommand('QIUET'), 'QUIET 22-7')
  t.equal(suggestCommand('ESPANL'), 'LANG ES')
  t.equal(suggestCommand('pizza'), null)
  t.equal(suggestCommand('x'.repeat(500)), null)
  t.same(parseMessage('lsit please'), { kind: 'unknown', word: 'LSIT', suggestion: 'LIST' })
  t.equal(
    suggestCommand(
      'LSIT',
      COMMANDS.filter((c) => c.id !== 'list'),
    ),
    null,
    'suggestions come from the list given',
  )
})

t.test('reserved words: every command name and alias, and every carrier keyword', async (t) => {
  for (const command of COMMANDS)
    for (const word of [command.name, ...command.aliases]) t.equal(reservedAs(word.toLowerCase()), 'command', word)
  for (const word of [...OPT_OUT_KEYWORDS, ...OPT_IN_KEYWORDS, ...HELP_KEYWORDS]) t.equal(reservedAs(word), 'carrier', word)
  t.equal(reservedAs('HOURS'), undefined)
})

t.test('normalizeBody trims space and trailing punctuation only', async (t) => {
  t.equal(normalizeBody('  Sub cs2500-01!! '), 'Sub cs2500-01')
  t.equal(normalizeBody('what?…'), 'what')
  t.equal(normalizeBody('a.b'), 'a.b')
})

t.test(
  'fuzz: random unicode parses the same with trailing punctuation, in any case, and fullwidth; words come from the text',
  async (t) => {
    let seed = 12345
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const fullwidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
    let failures = 0
    const check = (ok: boolean, message: string) => {
      if (!ok && failures++ < 10) t.fail(message)
    }
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(random() * 40)
      let body = ''
      for (let j = 0; j < length; j++) {
        const pick = random()
        // Mix of ASCII, command letters and digits, spaces, punctuation, astral emoji and lone surrogates.
        const code =
          pick < 0.3
            ? 0x20 + Math.floor(random() * 95)
            : pick < 0.5
              ? 'SUBHLT 12'.charCodeAt(Math.floor(random() * 9))
              : pick < 0.8
                ? Math.floor(random() * 0xd7ff)
                : pick < 0.95
                  ? 0x1f300 + Math.floor(random() * 0x300)
                  : 0xd800 + Math.floor(random() * 0x800)
        body += String.fromCodePoint(code)
      }
      const media = Math.floor(random() * 2)
      const parsed = parseMessage(body, media)
      const shown = JSON.stringify(body)
      check(
        JSON.stringify(shape(`${body} !?. `, media)) === JSON.stringify(shape(body, media)),
        `trailing punctuation changed the parse of ${shown}`,
      )
      if (/^[\x20-\x7e]*$/.test(body)) {
        check(
          JSON.stringify(shape(body.toLowerCase(), media)) === JSON.stringify(shape(body.toUpperCase(), media)),
          `case changed the parse of ${shown}`,
        )
        check(
          JSON.stringify(shape(fullwidth(body), media)) === JSON.stringify(shape(body, media)),
          `fullwidth changed the parse of ${shown}`,
        )
      }
      const words = normalizeBody(body).toUpperCase().split(/\s+/u)
      if (parsed.kind === 'command') {
        check(
          words[0] === parsed.word && [parsed.command.name, ...parsed.command.aliases].includes(parsed.word),
          `${shown}: the command is the first word`,
        )
        check(parsed.argument === (words.length > 1 ? words.slice(1).join(' ') : null), `${shown}: the argument is the rest`)
      }
      if (parsed.kind === 'optOut' || parsed.kind === 'optIn')
        check(words.length === 1 && words[0] === parsed.keyword, `${shown}: a carrier keyword alone`)
      if (parsed.kind === 'unknown') check(parsed.word === words[0], `${shown}: the unknown word is the first word`)
      if (parsed.kind === 'empty' || parsed.kind === 'mediaOnly')
        check(normalizeBody(body) === '' && (parsed.kind === 'mediaOnly') === media > 0, `${shown}: empty`)
    }
    t.equal(failures, 0, '5000 random bodies keep every property')
  },
)
