// Everything the bot texts in English: replies, and the framing of codes and notifications.
// Each fixed reply fits one SMS segment (test/copy/sms.test.ts).
import { windowText, type QuietWindow } from './quiet.js'
import {
  firstFitting,
  fitMenu,
  fitOneSegment,
  fitting,
  firstNumber,
  more,
  range,
  titled,
  type MenuItem,
  type MenuText,
  type Program,
  type TopicSummary,
} from './sms.js'

export const en = {
  /** H: the help lines of the commands (sms/commands/index.ts), then the carrier opt-out. */
  help: (lines: string[]) => `${lines.join(', ')}. STOP to opt out.`,

  /**
   * HELP and INFO (carrier keywords): the program identity CTIA asks for, in one segment; shorter when PROGRAM_NAME
   * and SUPPORT_CONTACT are long (30 and 60 characters at most, see config.ts).
   */
  identity: ({ name, contact }: Program) =>
    firstFitting([
      `${name}: alerts for the topics you follow.${contact === undefined ? '' : ` Help: ${contact}.`} Msg&data rates may apply. Reply ` +
        `STOP to cancel.`,
      `${name}: topic alerts.${contact === undefined ? '' : ` Help: ${contact}`} Msg&data rates may apply. Reply STOP to cancel.`,
    ]),

  signup: (url: string, minutes: number) => `Tap to verify this phone (works once, for ${minutes} min): ${url}`,

  unsubscribeWhich: 'Which topic? Text UNSUB and its name, e.g. UNSUB CS2500-01, or UNSUB ALL. Text LIST to see yours.',

  /** A subscription; the first one a phone ever makes also carries the program identity (up to two segments). */
  subscribed: (topic: TopicSummary, optedOut: boolean, identity?: string) =>
    fitting(
      identity === undefined ? 1 : 2,
      (max, keyed) =>
        `Subscribed to ${topic.key}${titled(topic.title, max)}.` +
        (optedOut
          ? ' You opted out earlier: text START to get messages again.'
          : identity !== undefined
            ? ''
            : keyed
              ? ` Text UNSUB ${topic.key} to stop.`
              : ' Text LIST to see your topics.') +
        (identity === undefined ? '' : ` ${identity}`),
    ),

  alreadySubscribed: (key: string) => `You already follow ${key}. Text LIST to see your topics.`,

  invalidTopic: 'Topic names are letters, digits, - _ and . like CS2500-01. Text TOPICS to see the open ones.',

  noSuchTopic: (key: string) => `There is no open topic "${key.slice(0, 64)}". Text TOPICS to see the open ones.`,

  tooManySubscriptions: (max: number) => `You already follow ${max} topics, the most allowed. Text UNSUB <topic> to make room.`,

  unsubscribed: (key: string) => `Unsubscribed from ${key}. Text LIST to see your other topics.`,

  notSubscribed: (key: string) => `You were not subscribed to ${key.slice(0, 64)}. Text LIST to see your topics.`,

  unsubscribedAll: (count: number) =>
    count === 0
      ? 'You had no subscriptions. Text TOPICS to see what you can follow.'
      : count === 1
        ? 'Unsubscribed from your only topic.'
        : `Unsubscribed from all ${count} of your topics.`,

  list: (keys: string[]) => {
    if (keys.length === 0) return 'You follow no topics yet. Text TOPICS to see them, then SUB <topic>.'
    return fitOneSegment(
      keys,
      (shown) => `You follow: ${shown.join(', ')}${more(keys.length - shown.length, 'more')}. Text UNSUB <topic> to stop one.`,
    ).text
  },

  /** TOPICS, SUB alone and MORE: numbered topics, as many as fit; `remaining` are left after all of `items`. */
  menu: (items: MenuItem[], remaining: number): MenuText =>
    fitMenu(items, (shown, n) => {
      const left = remaining + items.length - n
      const numbers = range(firstNumber(items), firstNumber(items) + n - 1)
      return `Topics: ${shown.join(', ')}. Reply ${numbers} to follow${left > 0 ? `, MORE for ${left} more` : ''}.`
    }),

  noTopics: 'There are no open topics yet. Check back soon.',
  /** MORE after the last page. */
  menuDone: (first: number, last: number) => `That was the whole list. Reply ${range(first, last)} to follow one of those topics.`,
  /** MORE with no conversation open (none yet, or it expired). */
  noMenu: 'Text TOPICS to see the topics, then reply with a number to follow one.',
  /** A number the open menu does not list. */
  menuRange: (first: number, last: number) => `Reply ${range(first, last)} to follow one of the topics listed, or TOPICS to start again.`,

  unknown: (suggestion: string | null) =>
    suggestion === null
      ? "Sorry, I didn't understand that. Text H for help."
      : `Sorry, I didn't understand that. Did you mean ${suggestion}? Text H for help.`,

  empty: 'Your message was empty. Text H for help.',
  mediaOnly: "I can't open pictures or attachments, only text commands. Text H for help.",
  noText: 'I only understand text commands, like SUB CS2500-01. Text H for help.',

  /** LANG EN, ENGLISH: said in the language chosen. */
  languageSet: 'OK, texts in English from now on. LANG ES para español.',
  /** LANG with something else: the same in both languages. */
  languageWhich: 'LANG EN for English, LANG ES para español.',

  quietOff: 'Quiet hours off: alerts come at any time of day. QUIET ON turns them back on.',
  /** QUIET ON: the deployment's window, or none when QUIET_HOURS is off. */
  quietDefault: (window: QuietWindow | undefined) =>
    window === undefined
      ? 'Quiet hours follow the usual setting: none, alerts come at any time. QUIET 22-7 sets your own.'
      : `Quiet hours on: no alerts ${windowText(window)} your time. QUIET 22-7 sets your own, QUIET OFF stops them.`,
  quietSet: (window: QuietWindow) =>
    `Quiet hours set: no alerts ${windowText(window)} your time (TZ <zone> to change it). QUIET OFF stops them.`,
  quietInvalid: 'Send hours on the 24 h clock, e.g. QUIET 22-7 for 10pm to 7am, or QUIET OFF, or QUIET ON.',
  zoneSet: (zone: string) => `Time zone set to ${zone}. Quiet hours follow it. TZ AUTO goes back to your number's zone.`,
  zoneAuto: "Time zone back to your number's own. TZ PACIFIC (or another zone) sets one.",
  zoneInvalid: 'Unknown time zone. Try TZ EASTERN, CENTRAL, MOUNTAIN, PACIFIC, ALASKA, HAWAII or a name like TZ America/Chicago.',
  /** SETTINGS: the quiet window that applies (undefined: none; `own`: the phone's, else the usual) and the chosen zone. */
  settings: (quiet: { window: QuietWindow | undefined; own: boolean }, zone: string | null) =>
    `Quiet hours: ${quiet.window === undefined ? 'off' : `${windowText(quiet.window)}${quiet.own ? '' : ' (usual)'}`}. Time zone: ` +
    `${zone ?? "your number's"}. QUIET 22-7, TZ PACIFIC or LANG ES to change.`,

  /** The text of a verification code (the WebOTP line is added after it). */
  code: (code: string) => `Your smsbot code is ${code}`,
  /** Closes every notification: how to stop that topic. */
  notificationFooter: (key: string) => `Text UNSUB ${key} to stop.`,

  failure: 'Something went wrong — please try again.',
}

export type SmsCopy = typeof en
