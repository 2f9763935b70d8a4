// A phone's consent record as operators read it (/api/phones/:phone/consent, smsbot consent), kept by consent/queries.ts.
import { Type, type Static } from 'typebox'
import { ConsentRecord, consentRecords } from '../consent/queries.js'
import type { ReadDeps } from './deps.js'
import { readPhone, refuse, type Result } from './problems.js'

export const ConsentReply = Type.Object({ phone: Type.String(), records: Type.Array(ConsentRecord) })
export type ConsentReply = Static<typeof ConsentReply>

/** The record of a phone (any possible number, in E.164 form), oldest first. */
export async function consentOf({ db }: ReadDeps, phone: string): Promise<Result<ConsentReply>> {
  const read = readPhone(phone)
  if (!read.ok) return refuse(400, read.problem)
  return { ok: true, value: { phone: read.phone, records: await consentRecords(db, read.phone) } }
}
