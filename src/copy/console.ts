// Every sentence the operator console (/console) shows, in English: operators run the service, so one language.
import { maskPhone } from './phone.js'

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** Dates and times on the console: UTC, to the second, so rows can be compared at a glance. */
const formatTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`

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

  formatTime,
  maskPhone,
  plural,
  /** A count in a table cell. */
  count: (n: number) => n.toLocaleString('en-US'),

  overview: {
    window: (since: string, now: string) => `The last 24 hours: from ${formatTime(since)} to ${formatTime(now)}.`,
    inboundTitle: 'Inbound messages by command',
    commandHeader: 'Command',
    messagesHeader: 'Messages',
    totalRow: 'All',
    /** How a command recorded as '' reads: claimed, its reply not yet recorded. */
    noCommand: '(not answered yet)',
    noInbound: 'No messages came in during the last 24 hours.',
    /** sms/answer.ts records only the messages whose reply depends on more than the text (a retry must get the same reply). */
    unrecorded:
      'Messages answered from their text alone (H, ?, an empty message, a word no command or keyword knows) leave no record, ' +
      'so they are not counted here.',
    outcomesTitle: 'Sends by outcome',
    outcomeHeader: 'Outcome',
    meaningHeader: 'What it means',
    outcomes: {
      sent: ['Sent', 'Accepted by Twilio, no delivery receipt yet.'],
      delivered: ['Delivered', 'The carrier confirmed delivery to the handset.'],
      failed: ['Failed', 'Will never be sent: see the error codes below.'],
      expired: ['Expired', "Not sent before the notification's expiry time."],
      queued: ['Queued now', 'Due or being sent (a retry waiting for its backoff included).'],
      scheduled: ['Scheduled now', "Waiting for the notification's send time."],
      held: ['Held now', "Waiting for the recipient's quiet hours to end."],
    },
    failuresTitle: 'Failures by Twilio error code',
    codeHeader: 'Error code',
    failuresHeader: 'Failures',
    noCode: 'none',
    noFailures: 'No send failed during the last 24 hours.',
    chartTitle: 'Sends per minute',
    chartDescription: (total: number, peak: { minute: string; count: number } | undefined) =>
      peak === undefined
        ? 'No message was sent during the last 24 hours.'
        : `${plural(total, 'message')} sent during the last 24 hours. The busiest minute, ${peak.minute.slice(11, 16)} UTC on ` +
          `${peak.minute.slice(0, 10)}, had ${peak.count}.`,
    chartAxes: (since: string, now: string, max: number) =>
      `Minutes from ${formatTime(since)} (left) to ${formatTime(now)} (right); bar height up to ${plural(max, 'message')} a minute. ` +
      'Each message counts at its last change (sent, or its delivery receipt).',
    chartTable: 'The minutes with sends, as a table',
    minuteHeader: 'Minute (UTC)',
  },

  topics: {
    saved: (key: string) => `Saved ${key}: it is open.`,
    closed: (key: string) => `Closed ${key}. Its subscribers are kept and were told nothing.`,
    reopened: (key: string) => `Reopened ${key}.`,
    openTitle: 'Open a topic',
    openIntro: 'A key that exists is renamed (and reopened if it was closed).',
    keyLabel: 'Key',
    keyHint: 'Letters, digits, -, _ or ., such as CS2500-01. Texters type it to subscribe.',
    titleLabel: 'Title',
    openButton: 'Open topic',
    listTitle: (n: number) => `Open topics (${n})`,
    noTopics: 'No topic is open.',
    keyHeader: 'Key',
    titleHeader: 'Title',
    subscribersHeader: 'Subscribers',
    openedHeader: 'Opened',
    renameHeader: 'Rename',
    closeHeader: 'Close',
    newTitleLabel: (key: string) => `New title for ${key}`,
    renameButton: 'Rename',
    closeButton: 'Close',
    closeLabel: (key: string) => `Close ${key}`,
    renameLabel: (key: string) => `Rename ${key}`,
    closedTitle: 'Closed topics',
    closedIntro: 'The 50 closed most recently. Reopening keeps the title and the subscribers it had.',
    noClosed: 'No topic is closed.',
    closedHeader: 'Closed',
    reopenHeader: 'Reopen',
    reopenButton: 'Reopen',
    reopenLabel: (key: string) => `Reopen ${key}`,
    noClosedTopic: (key: string) => `There is no closed topic ${key.slice(0, 64)}.`,
    titleTooLong: (length: number, max: number) => `The title is ${length} characters; the most is ${max}.`,
  },

  keywords: {
    saved: (word: string, segments: number) => `Saved ${word}: its reply takes ${plural(segments, 'SMS segment')}.`,
    removed: (word: string) => `Removed ${word}: texting it now gets the usual answer.`,
    addTitle: 'Add or change a keyword',
    addIntro: 'A texter who sends the keyword gets the reply. A keyword that exists gets the new reply.',
    wordLabel: 'Keyword',
    wordHint: 'One word, such as HOURS. Built-in commands and carrier keywords (STOP, HELP, …) cannot be keywords.',
    replyLabel: 'Reply',
    replyHint: 'Up to 1 600 characters. One SMS segment holds 160 plain (GSM-7) characters, or 70 with emoji or accents outside it.',
    saveButton: 'Save keyword',
    listTitle: (n: number) => `Keywords (${n})`,
    noKeywords: 'No keyword yet.',
    wordHeader: 'Keyword',
    replyHeader: 'Reply',
    segmentsHeader: 'Segments',
    changedHeader: 'Changed',
    removeHeader: 'Remove',
    removeButton: 'Remove',
    removeLabel: (word: string) => `Remove ${word}`,
  },

  people: {
    intro: 'Look up a phone: its verification, opt-out, language, subscriptions and consent record.',
    phoneLabel: 'Phone number',
    phoneHint: 'Any usual form, such as (617) 555-0123 or +1 617 555 0123.',
    lookUpButton: 'Look up',
    invalid: (input: string) =>
      `"${input.slice(0, 40)}" is not a phone number. Check the digits; write a number outside the US with its + and country code.`,
    notMobile: (input: string) => `${input.slice(0, 40)} is not a mobile number, so it cannot text smsbot: there is nothing to show.`,
    unknown: (phone: string) => `smsbot has never heard from or texted ${phone}: it has no record of it.`,
    stateTitle: 'State',
    verifiedTerm: 'Verified',
    notVerified: 'Not verified on the web',
    emailTerm: 'Profile e-mail',
    noEmail: 'None',
    optOutTerm: 'Opted out',
    optedOut: 'Yes: it texted STOP (or Twilio reported it) and gets nothing until it texts START.',
    notOptedOut: 'No',
    languageTerm: 'Language',
    languages: { en: 'English', es: 'Spanish' } as Record<string, string>,
    noLanguage: 'Never chosen (English)',
    subscriptionsTerm: 'Subscriptions',
    noSubscriptions: 'None',
    consentTitle: 'Consent record',
    consentIntro: 'Every opt-in, opt-out, subscription and verification, oldest first.',
    csvLink: 'Download the consent record (CSV)',
    noRecords: 'No consent record.',
    atHeader: 'When',
    actionHeader: 'Action',
    sourceHeader: 'Source',
    topicHeader: 'Topic',
    detailHeader: 'Detail',
  },

  inbound: {
    intro: (n: number) => `The latest ${plural(n, 'message')} texted in, newest first. Phone numbers are masked.`,
    none: 'No message has come in yet (or retention removed them).',
    receivedHeader: 'Received',
    phoneHeader: 'Phone',
    commandHeader: 'Command',
    replyHeader: 'Reply',
    noReply: '(none)',
  },
} as const

export type ConsoleCopy = typeof consoleCopy
