// Whether a claimed row may go now: not past its expiry, and outside the recipient's quiet hours in each of their zones.
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import type { PhoneSettings } from '../phones/queries.js'
import { effectiveQuietWindow, type QuietWindow } from '../phones/settings.js'
import { recordExpired, recordHeld, type ClaimedRow } from './queries.js'
import { quietState, recipientZones } from './quiet.js'

export interface SendWindowOptions {
  db: Db
  clock: Pick<Clock, 'now'>
  /** The deployment's quiet hours (QUIET_HOURS); none when unset. A phone's own setting wins either way. */
  quietHours: QuietWindow | undefined
  /** The zone of a number the mapping cannot place (DEFAULT_TIME_ZONE). */
  defaultTimeZone: string
  /** The zones of a number (libphonenumber's mapping, or a test's). */
  zonesOf(phone: string): readonly string[] | undefined
}

/** A recipient's quiet hours (none: undefined) and the zones they must hold in. */
export interface Recipient {
  window: QuietWindow | undefined
  zones: readonly string[]
}

export interface SendWindow {
  recipient(phone: string, settings: PhoneSettings): Recipient
  /**
   * Whether a claimed row may go now. Past its expiry it ends as expired; in the recipient's quiet hours it is put
   * back until they end (or ends as expired when they end too late), so it takes no send slot while it waits.
   */
  mayGo(row: ClaimedRow, recipient: Recipient): Promise<boolean>
}

export function createSendWindow(options: SendWindowOptions): SendWindow {
  const { db, clock, defaultTimeZone } = options
  return {
    recipient(phone, settings) {
      const window = effectiveQuietWindow(settings.quietHours, options.quietHours)
      return { window, zones: window === undefined ? [] : recipientZones(settings.timeZone, options.zonesOf(phone), defaultTimeZone) }
    },
    async mayGo(row, { window, zones }) {
      const now = clock.now()
      if (row.expires_at !== null && now.toISOString() >= row.expires_at) {
        await recordExpired(db, row, now)
        return false
      }
      const quiet = quietState(zones, window, now, defaultTimeZone)
      if (!quiet.quiet) return true
      if (row.expires_at !== null && quiet.opensAt.toISOString() >= row.expires_at) await recordExpired(db, row, now)
      else await recordHeld(db, row, quiet.opensAt, now)
      return false
    },
  }
}
