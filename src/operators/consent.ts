// A phone's consent record as operators read it (/api/phones/:phone/consent, smsbot consent), kept by consent/queries.ts.
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { Type, type Static } from 'typebox'
import { ConsentRecord, consentRecords } from '../consent/queries.js'
import type { OperatorDeps } from './deps.js'
import { problems, refuse, type Result } from './problems.js'

export const ConsentReply = Type.Object({ phone: Type.String(), records: Type.Array(ConsentRecord) })
export type ConsentReply = Static<typeof ConsentReply>

/** The record of a phone (any possible number, in E.164 form), oldest first. */
export async function consentOf({ db }: OperatorDeps, phone: string): Promise<Result<ConsentReply>> {
  const parsed = parsePhoneNumberFromString(phone.trim())
  if (parsed === undefined || !parsed.isPossible()) return refuse(400, problems.invalidPhone(phone))
  return { ok: true, value: { phone: parsed.number, records: await consentRecords(db, parsed.number) } }
}
