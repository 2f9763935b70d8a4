// Reads a phone number as people type it and returns it in E.164, or why it cannot be used.
// The full ("max") metadata: the default one cannot tell a premium-rate or toll-free number from a mobile.
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumberType } from 'libphonenumber-js/max'

/** Types of number that cannot receive a text (or would cost the caller): refused before a code is sent. */
export const NOT_MOBILE_TYPES = ['PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'UAN', 'VOICEMAIL', 'PAGER', 'FIXED_LINE'] as const
export type NotMobileType = (typeof NOT_MOBILE_TYPES)[number]

function isNotMobile(type: PhoneNumberType | undefined): type is NotMobileType {
  // FIXED_LINE only when the metadata is sure: where landlines and mobiles share ranges it says FIXED_LINE_OR_MOBILE.
  return (NOT_MOBILE_TYPES as ReadonlyArray<PhoneNumberType | undefined>).includes(type)
}

export type NormalizedPhone =
  | { ok: true; phone: string; country: CountryCode | undefined }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'country'; country: CountryCode | undefined }
  | { ok: false; reason: 'notMobile'; type: NotMobileType }

export function normalizePhone(input: string, defaultCountry: CountryCode, allowed: readonly CountryCode[]): NormalizedPhone {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry)
  if (parsed === undefined || !parsed.isValid()) return { ok: false, reason: 'invalid' }
  if (parsed.country === undefined || !allowed.includes(parsed.country)) {
    return { ok: false, reason: 'country', country: parsed.country }
  }
  const type = parsed.getType()
  if (isNotMobile(type)) return { ok: false, reason: 'notMobile', type }
  return { ok: true, phone: parsed.number, country: parsed.country }
}
