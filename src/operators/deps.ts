// What every operator action and every operator API route is given: the database, the clock, and the SMS channel's own words.
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import type { Actor } from './audit.js'

/** Why a word cannot be an operator's keyword: a command's name or alias, or a carrier keyword (sms/parse.ts reservedAs). */
export type ReservedWords = (word: string) => 'command' | 'carrier' | undefined

export interface OperatorDeps {
  db: Db
  clock: Clock
  /** Passed in by the app and the CLI, which know the SMS channel; the actions do not import it. */
  reservedAs: ReservedWords
  /** Who acts, recorded with every change (operators/audit.ts): `api`, `cli`, or a console operator's profile. */
  actor: Actor
}

/** What the actions that only read are given: no actor, since they change nothing. */
export type ReadDeps = Omit<OperatorDeps, 'actor'>
