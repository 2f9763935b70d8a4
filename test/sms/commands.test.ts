// parseCommand: every command and alias, the carrier keywords, suggestions, and a fuzz run.
import t from 'tap'
import { OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS, normalizeBody, parseCommand, suggestCommand } from '../../src/sms/commands.js'

t.test('every command and alias, in any case, with space and trailing punctuation', async (t) => {
  const cases: Array<[string, ReturnType<typeof parseCommand>]> = [
    ['H', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['Info', { kind: 'help' }],
    ['?', { kind: 'help' }],
    ['  h!! ', { kind: 'help' }],
    ['S', { kind: 'signup' }],
    ['signup.', { kind: 'signup' }],
    ['SUB CS2500-01', { kind: 'subscribe', topic: 'CS2500-01' }],
    ['subscribe cs2500-01!', { kind: 'subscribe', topic: 'CS2500-01' }],
    ['Sub   cs2500.01 ', { kind: 'subscribe', topic: 'CS2500.01' }],
    ['SUB', { kind: 'subscribe', topic: null }],
    ['unsub cs2500-01', { kind: 'unsubscribe', topic: 'CS2500-01' }],
    ['UNSUB', { kind: 'unsubscribe', topic: null }],
    ['unsub all', { kind: 'unsubscribeAll' }],
    ['UNSUB ALL.', { kind: 'unsubscribeAll' }],
    ['LIST', { kind: 'list' }],
    ['l', { kind: 'list' }],
    ['topics?', { kind: 'topics' }],
    ['T', { kind: 'topics' }],
  ]
  for (const [body, expected] of cases) t.same(parseCommand(body), expected, JSON.stringify(body))
})

t.test('carrier keywords count only when alone in the message', async (t) => {
  t.equal(OPT_OUT_KEYWORDS.length, 8)
  t.equal(OPT_IN_KEYWORDS.length, 3)
  for (const word of OPT_OUT_KEYWORDS) {
    t.same(parseCommand(word), { kind: 'optOut' }, word)
    t.same(parseCommand(` ${word.toLowerCase()}. `), { kind: 'optOut' }, `${word} lower case`)
  }
  for (const word of OPT_IN_KEYWORDS) t.same(parseCommand(word.toLowerCase()), { kind: 'optIn' }, word)
  t.equal(parseCommand('stop sending me this').kind, 'unknown')
  t.equal(parseCommand('UNSUBSCRIBE CS2500-01').kind, 'unknown', 'UNSUBSCRIBE with a topic is not the opt-out')
  t.same(parseCommand('UNSUBSCRIBE CS2500-01'), { kind: 'unknown', suggestion: 'SUB <topic>' })
})

t.test('empty, media-only and text-less messages', async (t) => {
  t.same(parseCommand(''), { kind: 'empty' })
  t.same(parseCommand('   \n '), { kind: 'empty' })
  t.same(parseCommand('', 1), { kind: 'mediaOnly' })
  t.same(parseCommand('H', 2), { kind: 'help' }, 'a command with an attachment is still the command')
  t.same(parseCommand('🎉🎉'), { kind: 'noText' })
  t.same(parseCommand('👍 !!'), { kind: 'noText' })
})

t.test('unknown words get the closest command, or none when nothing is close', async (t) => {
  t.equal(suggestCommand('LSIT'), 'LIST')
  t.equal(suggestCommand('subb'), 'SUB <topic>')
  t.equal(suggestCommand('TOPIC'), 'TOPICS')
  t.equal(suggestCommand('unsbu'), 'UNSUB <topic>')
  t.equal(suggestCommand('HLEP'), 'H')
  t.equal(suggestCommand('signpu'), 'S')
  t.equal(suggestCommand('pizza'), null)
  t.equal(suggestCommand('x'.repeat(500)), null)
  t.same(parseCommand('lsit please'), { kind: 'unknown', suggestion: 'LIST' })
})

t.test('normalizeBody trims space and trailing punctuation only', async (t) => {
  t.equal(normalizeBody('  Sub cs2500-01!! '), 'Sub cs2500-01')
  t.equal(normalizeBody('what?…'), 'what')
  t.equal(normalizeBody('a.b'), 'a.b')
})

t.test('fuzz: random unicode never throws and always yields a known kind', async (t) => {
  const kinds = new Set(['help', 'signup', 'subscribe', 'unsubscribe', 'unsubscribeAll', 'list', 'topics', 'optOut', 'optIn', 'empty', 'mediaOnly', 'noText', 'unknown'])
  let seed = 12345
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  for (let i = 0; i < 5000; i++) {
    const length = Math.floor(random() * 40)
    let body = ''
    for (let j = 0; j < length; j++) {
      const pick = random()
      // Mix of ASCII, command letters, spaces, punctuation, astral emoji and lone surrogates.
      const code = pick < 0.3 ? 0x20 + Math.floor(random() * 95) : pick < 0.5 ? 'SUBHLT '.charCodeAt(Math.floor(random() * 7)) : pick < 0.8 ? Math.floor(random() * 0xd7ff) : pick < 0.95 ? 0x1f300 + Math.floor(random() * 0x300) : 0xd800 + Math.floor(random() * 0x800)
      body += String.fromCodePoint(code)
    }
    const command = parseCommand(body, Math.floor(random() * 2))
    if (!kinds.has(command.kind)) t.fail(`unexpected kind ${command.kind} for ${JSON.stringify(body)}`)
  }
  t.pass('5000 random bodies parsed')
})
