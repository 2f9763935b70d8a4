// The segment count's direct arithmetic for GSM-7 basic text agrees with sms-segments-calculator, and other text goes to the library.
import { SegmentedMessage } from 'sms-segments-calculator'
import t from 'tap'
import { segmentsOf } from '../../src/copy/segments.js'

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const library = (text: string) => new SegmentedMessage(text).segmentsCount

t.test('every basic character, at each length where the count changes', async (t) => {
  for (const char of BASIC) {
    for (const length of [0, 1, 160, 161, 306, 307]) {
      const text = char.repeat(length)
      t.equal(segmentsOf(text), library(text), `${JSON.stringify(char)} × ${length}`)
    }
  }
  t.equal(segmentsOf('a'.repeat(160)), 1)
  t.equal(segmentsOf('a'.repeat(161)), 2)
  t.equal(segmentsOf('a'.repeat(307)), 3)
})

t.test('extended and non-GSM characters are counted by the library', async (t) => {
  // [ ] { } ~ | ^ \ € take two septets; á and emoji make the text UCS-2 (70 a segment, 67 when joined).
  for (const char of ['[', '€', '~', '|', 'á', '`', '😀']) {
    for (const length of [1, 70, 71, 80, 81, 160, 161]) {
      const text = `${'a'.repeat(length)}${char}`
      t.equal(segmentsOf(text), library(text), `${length} + ${JSON.stringify(char)}`)
    }
  }
  t.equal(segmentsOf(`${'a'.repeat(69)}á`), 1)
  t.equal(segmentsOf(`${'a'.repeat(70)}á`), 2)
  t.equal(segmentsOf(`${'a'.repeat(159)}€`), 2, 'the euro sign takes two septets')
})

t.test('random texts agree with the library', async (t) => {
  const alphabet = `${BASIC}[]{}~|^\\€áíóú😀`
  let seed = 7
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const chars = [...alphabet]
  let mismatches = 0
  for (let i = 0; i < 200; i++) {
    const length = random(400)
    const pureBasic = random(2) === 0
    let text = ''
    for (let j = 0; j < length; j++) text += pureBasic ? (BASIC[random(BASIC.length)] as string) : (chars[random(chars.length)] as string)
    if (segmentsOf(text) !== library(text)) mismatches += 1
  }
  t.equal(mismatches, 0)
})
