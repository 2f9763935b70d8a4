// Every sentence the operator console (/console) shows, in English: operators run the service, so one language.
import { maskPhone } from './phone.js'

export const consoleCopy = {
  lang: 'en',
  siteName: 'smsbot console',
  skipLink: 'Skip to content',
  navLabel: 'Console',
  nav: {
    overview: 'Overview',
    topics: 'Topics',
    compose: 'Compose',
    notifications: 'Notifications',
    keywords: 'Keywords',
    people: 'People',
    inbound: 'Inbound',
  },
  /** Who the console knows the operator as: the e-mail from the identity provider, else the masked phone. */
  signedInAs: (who: string) => `Signed in as ${who}`,
  toProfile: 'Your profile',

  offTitle: 'Console off',
  off:
    'The operator console is off. Set OPERATOR_PHONES (phone numbers in E.164 form, such as +16175550123) or OPERATOR_EMAILS ' +
    '(e-mail addresses verified by the identity provider), comma-separated, and restart smsbot to turn it on.',
  forbiddenTitle: 'Operators only',
  forbidden:
    'You are signed in, but not as an operator. Operators are the profiles whose verified phone is in OPERATOR_PHONES or ' +
    'whose e-mail, verified by the identity provider, is in OPERATOR_EMAILS.',
  notFoundTitle: 'Not found',
  notFound: 'There is no such console page.',
  refusedTitle: 'Please try again',
  formExpired: 'This form expired or was sent from another page. Go back, reload, and try again.',
  formRefused: 'The console could not read what this form sent. Go back, check what you typed, and try again.',
  toOverview: 'Back to the overview',

  /** Dates and times on the console: UTC, to the second, so rows can be compared at a glance. */
  formatTime: (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`,
  maskPhone,
} as const

export type ConsoleCopy = typeof consoleCopy
