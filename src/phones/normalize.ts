// Reads a phone number as people type it and returns it in E.164, or why it cannot be used.
// The full ("max") metadata: the default one cannot tell a premium-rate or toll-free number from a mobile.
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumberType } from 'libphonenumber-js/max'

/**
 * What each type of number the metadata tells apart is: a person's mobile can only be MOBILE, or FIXED_LINE_OR_MOBILE
 * where landlines and mobiles share ranges (all of North America). Every other type is refused before a code is sent:
 * it cannot receive a text, or it is not a line a person holds (PERSONAL_NUMBER: +1 5XX "follow-me" numbers, UK 070;
 * VOIP: +1 600 and other non-geographic VoIP ranges; a VoIP number a person texts from, e.g. Google Voice, sits in
 * ordinary ranges and stays FIXED_LINE_OR_MOBILE), or it would cost the caller. A Record over PhoneNumberType: a type
 * a libphonenumber-js upgrade adds does not compile until it is placed here.
 */
const TEXTABLE: Record<PhoneNumberType, boolean> = {
  MOBILE: true,
  FIXED_LINE_OR_MOBILE: true,
  FIXED_LINE: false,
  PREMIUM_RATE: false,
  TOLL_FREE: false,
  SHARED_COST: false,
  UAN: false,
  VOICEMAIL: false,
  PAGER: false,
  PERSONAL_NUMBER: false,
  VOIP: false,
}

export type NotMobileType = Exclude<PhoneNumberType, 'MOBILE' | 'FIXED_LINE_OR_MOBILE'>

/** Types of number that cannot receive a text, are not a person's line, or would cost the caller. */
export const NOT_MOBILE_TYPES = (Object.keys(TEXTABLE) as PhoneNumberType[]).filter((type) => !TEXTABLE[type]) as NotMobileType[]

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
  // A valid number always has a type with the "max" metadata (isValid() is "has a type").
  const type = parsed.getType() as PhoneNumberType
  if (!TEXTABLE[type]) return { ok: false, reason: 'notMobile', type: type as NotMobileType }
  return { ok: true, phone: parsed.number, country: parsed.country }
}
