// Every sentence the web pages show, in one place.
import { maskPhone } from '../log.js'
import type { NotMobileType } from '../phones/normalize.js'
import { describeQuietWindow, formatQuietWindow, type QuietSetting, type QuietWindow } from '../phones/settings.js'
import type { SendResult } from '../verify/codes.js'
import type { CheckDecision } from '../verify/rules.js'

/** Why a code was not sent or not accepted. */
export type Refusal = Exclude<SendResult | CheckDecision, { ok: true }>

/** What each kind of number that cannot take a text is called on the form. */
const NOT_MOBILE_NAMES: Record<NotMobileType, string> = {
  PREMIUM_RATE: 'a premium-rate number',
  TOLL_FREE: 'a toll-free number',
  SHARED_COST: 'a shared-cost number',
  UAN: 'a company switchboard number',
  VOICEMAIL: 'a voicemail access number',
  PAGER: 'a pager number',
  FIXED_LINE: 'a landline',
}

function formatTime(date: Date): string {
  return `${new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`
}

export const copy = {
  verifyTitle: 'Verify your phone',
  verifyIntro: 'We will text you a code to prove this phone is yours. Then you can manage your topics here.',
  phoneLabel: 'Mobile number',
  phoneHint: 'For example (617) 555-0123 or +1 617 555 0123.',
  nameLabel: 'Your name (optional)',
  sendButton: 'Text me a code',
  codeTitle: 'Enter your code',
  codeIntro: (phone: string, minutes: number) => `We texted a code to ${maskPhone(phone)}. It is valid for ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  codeLabel: 'Code',
  checkButton: 'Verify',
  resendButton: 'Send a new code',
  changeNumber: 'Use another number',
  successTitle: 'Phone verified',
  success: "You are now subscribed! Send 'H' for help on commands.",
  toProfile: 'Go to your profile',
  profileTitle: 'Your profile',
  optedOut: 'You texted STOP, so we send you nothing. Text START to get notifications again.',
  noSubscriptions: 'You follow no topics yet.',
  settingsTitle: 'When we text you',
  settingsIntro: 'Notifications wait until your quiet hours are over. Codes and replies to your texts are never held.',
  quietLabel: 'Quiet hours',
  zoneLabel: 'Time zone',
  saveSettingsButton: 'Save',
  settingsSaved: 'Saved.',
  /** What applies now, in words. */
  quietHoursNow: (setting: QuietSetting, deployment: QuietWindow | undefined): string => {
    if (setting.kind === 'off') return 'Off: notifications come at any hour.'
    if (setting.kind === 'window') return `${describeQuietWindow(setting.window)}, your own choice.`
    return deployment === undefined ? 'Off (the default here): notifications come at any hour.' : `${describeQuietWindow(deployment)} (the default).`
  },
  /** The quiet-hours field as it reads back: empty for the default. */
  quietHoursValue: (setting: QuietSetting): string => (setting.kind === 'off' ? 'OFF' : setting.kind === 'window' ? formatQuietWindow(setting.window) : ''),
  quietHoursHint: (deployment: QuietWindow | undefined) =>
    `Hours on the 24-hour clock, such as 22-7 (10 p.m. to 7 a.m.), or OFF. Leave it empty for the default (${deployment === undefined ? 'none' : formatQuietWindow(deployment)}).`,
  timeZoneNow: (chosen: string | null, ofNumber: readonly string[] | undefined, fallback: string): string => {
    if (chosen !== null) return `${chosen}, your own choice.`
    if (ofNumber === undefined) return `${fallback} (we could not tell from your number).`
    return ofNumber.length === 1 ? `${ofNumber[0]} (from your number).` : `${ofNumber.join(' and ')} (your number's area spans them: we wait until it is not quiet hours in any).`
  },
  timeZoneHint: (ofNumber: readonly string[] | undefined, fallback: string) =>
    `EASTERN, CENTRAL, MOUNTAIN, PACIFIC, ALASKA, HAWAII, or a name such as America/Chicago. Leave it empty to use your number's (${ofNumber?.join(', ') ?? fallback}).`,
  noTopics: 'No other open topics right now.',
  subscribeButton: 'Follow',
  unsubscribeButton: 'Stop following',
  logoutButton: 'Log out',
  linkTitle: 'Verify this phone',
  linkIntro: (phone: string) => `You texted S from ${maskPhone(phone)}. Confirm to verify that phone and sign in here.`,
  linkButton: 'Verify this phone',
  linkInvalid: 'This link is not valid. Text S again to get a new one.',
  linkExpired: 'This link has expired. Text S again to get a new one.',
  linkUsed: 'This link was already used. Text S again to get a new one.',
  formExpiredTitle: 'Please try again',
  formExpired: 'This form expired or was sent from another page. Go back, reload, and try again.',

  errors: {
    phoneInvalid: 'That does not look like a mobile number. Check the digits and try again.',
    phoneCountry: (allowed: string[]) => `We can only text numbers in ${allowed.join(', ')}.`,
    phoneNotMobile: (type: NotMobileType) => `We can only text mobile numbers; that looks like ${NOT_MOBILE_NAMES[type]}.`,
    nameTooLong: 'Please keep your name under 60 characters.',
    quietHours: 'Write quiet hours as two hours of the 24-hour clock, such as 22-7, or OFF.',
    timeZone: 'We do not know that time zone. Try PACIFIC, or a name such as America/Los_Angeles.',
    cooldown: (seconds: number) => `We just sent you a code. Wait ${seconds} second${seconds === 1 ? '' : 's'} before asking for a new one.`,
    phoneHourly: 'Too many codes were sent to this number in the last hour. Try again later.',
    ipHourly: 'Too many codes were requested from your network in the last hour. Try again later.',
    sendFailed: 'We could not text that number just now. Check it, or try again in a minute.',
    codeFormat: (length: number) => `Enter the ${length}-digit code from the text message.`,
    wrong: (triesLeft: number) => `That code is not right. You have ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left.`,
    expired: 'That code has expired. Send a new one.',
    tooManyAttempts: 'Too many wrong tries for this code. Send a new one.',
    noCode: 'There is no active code for this number. Send a new one.',
    ipFailures: 'Too many wrong codes were tried from your network in the last hour. Try again later, or text S to the number to get a sign-in link.',
    locked: (until: Date) => `Too many wrong codes for this number. You can try again after ${formatTime(until)}, or text S from the phone for a sign-in link.`,
  },
  noSuchTopic: (key: string) => `There is no open topic called ${key}.`,
  tooManySubscriptions: (max: number) => `You already follow ${max} topics, the most allowed.`,
  /** The sentence shown on the form for each refusal of a send or a check. */
  refusal: (refusal: Refusal): string => {
    switch (refusal.reason) {
      case 'cooldown': return copy.errors.cooldown(refusal.waitSeconds)
      case 'phoneHourly': return copy.errors.phoneHourly
      case 'ipHourly': return copy.errors.ipHourly
      case 'locked': return copy.errors.locked(refusal.until)
      case 'sendFailed': return copy.errors.sendFailed
      case 'wrong': return copy.errors.wrong(refusal.triesLeft)
      case 'expired': return copy.errors.expired
      case 'tooManyAttempts': return copy.errors.tooManyAttempts
      case 'noCode': return copy.errors.noCode
      case 'ipFailures': return copy.errors.ipFailures
    }
  },
  formatDate: (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso)),
} as const
