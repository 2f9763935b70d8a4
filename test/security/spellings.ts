// Spellings of one phone number that libphonenumber reads as that number, and how a test checks a log line for it.

/** Every spelling a phone could take in a log line, brought back to ASCII digits: what must never hold the number. */
export function digitsOf(line: string): string {
  let text = line
  for (let i = 0; i < 8; i++) text = text.replace(/(?:%[0-9a-fA-F]{2})+/g, (e) => Buffer.from(e.replace(/%/g, ''), 'hex').toString('utf8'))
  return text
    .normalize('NFKC')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x6f0))
}

/** Spellings of +1 617 555 0304 that libphonenumber reads as that number, as they would arrive in a request path. */
export const SPELLINGS: Array<[string, string]> = [
  ['no-break spaces', '+1%C2%A0617%C2%A0555%C2%A00304'],
  ['encoded slashes', '+1%2F617%2F555%2F0304'],
  ['en dashes', '+1%E2%80%93617%E2%80%93555%E2%80%930304'],
  ['ideographic spaces', '%2B1%E3%80%80617%E3%80%80555%E3%80%800304'],
  [
    'fullwidth digits and plus',
    '%EF%BC%8B%EF%BC%91%EF%BC%96%EF%BC%91%EF%BC%97%EF%BC%95%EF%BC%95%EF%BC%95%EF%BC%90%EF%BC%93%EF%BC%90%EF%BC%94',
  ],
  ['Arabic-Indic digits', '%2B%D9%A1%D9%A6%D9%A1%D9%A7%D9%A5%D9%A5%D9%A5%D9%A0%D9%A3%D9%A0%D9%A4'],
  ['double encoding', '%252B1%2520617%2520555%25200304'],
  ['triple encoding of no-break spaces', '%2B1%252525C2%252525A0617%252525C2%252525A0555%252525C2%252525A00304'],
  ['mixed separators', '+1.617%E2%80%91555%C2%A00304'],
  ['brackets and a zero-width space', '(617)%E2%80%8B555-0304'],
  ['katakana prolonged sound marks', '+1%E3%83%BC617%E3%83%BC555%E3%83%BC0304'],
  ['soft hyphens and word joiners', '+1%C2%AD617%E2%81%A0555%C2%AD0304'],
  ['one digit a group', '+1%206%201%207%205%205%205%200%203%200%204'],
  ['plus-spaced', '617+555+0304'],
  ['tel: URI', 'tel:+1-617-555-0304'],
]
