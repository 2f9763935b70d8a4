// Operator text without control characters: what is stored (stripControls, oneLine) and what a terminal is shown (printable).

/**
 * Terminal escape sequences, removed whole so that no half of one is left behind: OSC (window title, OSC-8 links) up
 * to BEL or ST, DCS/SOS/PM/APC strings up to ST, CSI (colours, cursor moves, clear screen), and two-character ESC
 * sequences; each also in its 8-bit C1 spelling. An unterminated string runs to the end, as a terminal would read it.
 * Every quantifier is over a class the next part cannot match, so the scan is linear in the length of the text.
 */
const SEQUENCE = new RegExp(
  [
    '(?:\\x1b\\]|\\x9d)[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?',
    '(?:\\x1b[PX^_]|[\\x90\\x98\\x9e\\x9f])[^\\x1b\\x9c]*(?:\\x1b\\\\|\\x9c)?',
    '(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]?',
    '\\x1b[\\x20-\\x2f]*[\\x30-\\x7e]?',
  ].join('|'),
  'g',
)

/** C0 controls but tab, line feed and carriage return; DEL; C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g

/** Line breaks a one-line value must not hold (CR LF, CR, LF, and Unicode's line and paragraph separators). */
const LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/

/** The text without escape sequences and control characters; tab and line breaks are kept. */
export function stripControls(text: string): string {
  return text.replace(SEQUENCE, '').replace(CONTROL, '')
}

/** A one-line value (a topic title): controls removed, each line break (with the blanks around it) one space, trimmed. */
export function oneLine(text: string): string {
  return stripControls(text)
    .split(LINE_BREAK)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ')
}

/** Every control character but tab and line feed, shown as an escape (`\x1B`), for a terminal: nothing stored can drive it. */
export function printable(text: string): string {
  return (
    text
      .replace(/\r\n/g, '\n')
      // eslint-disable-next-line no-control-regex -- matching control characters is this module's job
      .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
  )
}
