// Who may use the operator console (SPEC §13): pure rules over OPERATOR_PHONES, OPERATOR_EMAILS and a signed-in profile.

import type { OperatorDeps, ReadDeps } from '../operators/deps.js'

/** The operator actions' dependencies for a change a console operator makes: recorded with their profile. */
export function actingAs(deps: ReadDeps, operator: { profileId: string } | null): OperatorDeps {
  if (operator === null) throw new Error('a console change without an operator: the console hook lets no such request in')
  return { ...deps, actor: { profileId: operator.profileId } }
}

/** OPERATOR_PHONES (E.164) and OPERATOR_EMAILS (lower case), as config.ts reads them. */
export interface OperatorList {
  phones: readonly string[]
  emails: readonly string[]
}

/** What the console knows of a signed-in profile. */
export interface Candidate {
  /** Its verified phone (E.164), if it has one. */
  phone: string | undefined
  /** profiles.email: the e-mail the identity provider gave at the last sign-in. */
  email: string | null
  /** profiles.issuer: set only for a profile signed in with the identity provider, whose e-mail the provider vouches for. */
  issuer: string | null
}

/** The console is on when either variable names someone; off (a 404 naming them) when neither is set. */
export function consoleEnabled(list: OperatorList | undefined): list is OperatorList {
  return list !== undefined && (list.phones.length > 0 || list.emails.length > 0)
}

/**
 * How the profile qualifies as an operator, or undefined when it does not: its verified phone is listed, or its
 * provider-verified e-mail is (compared in lower case). An e-mail on a profile without an issuer was never vouched
 * for by the provider, so it counts for nothing.
 */
export function operatorBy(candidate: Candidate, list: OperatorList): 'phone' | 'email' | undefined {
  if (candidate.phone !== undefined && list.phones.includes(candidate.phone)) return 'phone'
  const email = candidate.email?.trim().toLowerCase()
  if (candidate.issuer !== null && email !== undefined && email !== '' && list.emails.some((e) => e.toLowerCase() === email)) return 'email'
  return undefined
}
