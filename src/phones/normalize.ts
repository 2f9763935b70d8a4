// Reads a phone number as people type it and returns it in E.164, or why it cannot be used.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'

export type NormalizedPhone =
  | { ok: true; phone: string; country: CountryCode | undefined }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'country'; country: CountryCode | undefined }

export function normalizePhone(input: string, defaultCountry: CountryCode, allowed: readonly CountryCode[]): NormalizedPhone {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry)
  if (parsed === undefined || !parsed.isValid()) return { ok: false, reason: 'invalid' }
  if (parsed.country === undefined || !allowed.includes(parsed.country)) {
    return { ok: false, reason: 'country', country: parsed.country }
  }
  return { ok: true, phone: parsed.number, country: parsed.country }
}
