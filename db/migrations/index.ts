// Every migration, in order; imported statically so the compiled build and the tests load the same list.
import type { Migration } from 'kysely'
import * as foundation from './2026-11-23-01-foundation.js'
import * as verification from './2026-11-23-02-verification.js'
import * as notifications from './2026-11-23-03-notifications.js'
import * as sessions from './2026-11-24-04-sessions.js'
import * as signinLinks from './2026-11-24-05-signin-links.js'
import * as retention from './2026-11-24-06-retention.js'
import * as sharedDispatch from './2026-11-24-07-shared-dispatch.js'
import * as phoneSettings from './2026-11-24-08-phone-settings.js'
import * as conversationsKeywordsLanguage from './2026-11-25-09-conversations-keywords-language.js'
import * as schedulingConsent from './2026-11-25-10-scheduling-consent.js'
import * as identityEvents from './2026-12-02-11-identity-events.js'
import * as operatorActions from './2026-12-02-12-operator-actions.js'

export const migrations: Record<string, Migration> = {
  '2026-11-23-01-foundation': foundation,
  '2026-11-23-02-verification': verification,
  '2026-11-23-03-notifications': notifications,
  '2026-11-24-04-sessions': sessions,
  '2026-11-24-05-signin-links': signinLinks,
  '2026-11-24-06-retention': retention,
  '2026-11-24-07-shared-dispatch': sharedDispatch,
  '2026-11-24-08-phone-settings': phoneSettings,
  '2026-11-25-09-conversations-keywords-language': conversationsKeywordsLanguage,
  '2026-11-25-10-scheduling-consent': schedulingConsent,
  '2026-12-02-11-identity-events': identityEvents,
  '2026-12-02-12-operator-actions': operatorActions,
}
