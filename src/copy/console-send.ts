// Every sentence of the console's Compose and Notifications pages (/console/compose, /console/notifications), in English.
import { consoleCopy } from './console.js'
import { wallClock } from './zone-time.js'

const { formatTime } = consoleCopy
const count = (n: number) => n.toLocaleString('en-US')
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`

/** An instant as the deployment's zone reads it, with UTC beside it: `2026-11-23 09:00 America/New_York (14:00 UTC)`. */
function formatIn(iso: string, zone: string): string {
  const wall = wallClock(new Date(iso), zone)
  const local = `${wall.year}-${wall.month}-${wall.day} ${wall.hour}:${wall.minute}`
  const sameDay = local.slice(0, 10) === iso.slice(0, 10)
  return `${local} ${zone} (${sameDay ? iso.slice(11, 16) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`} UTC)`
}

/** Who of an audience is in quiet hours when a notification goes out, and when the held ones get it (console/compose-rules.ts). */
export interface QuietForecast {
  recipients: number
  /** The instant the forecast is for: sendAt, or now. */
  at: string
  /** Recipients in their quiet hours then: the dispatcher holds their rows. */
  held: number
  /** When the first and the last held recipient's quiet hours end (null when none is held). */
  firstOpening: string | null
  lastOpening: string | null
  /** Held recipients whose quiet hours end at or after expiresAt: their rows will expire unsent. */
  expiring: number
}

/** The statuses of a notification's rows, in the order a send goes through them: label and meaning. */
const statuses = {
  queued: ['Queued', 'Due or being sent (a retry waiting for its backoff included).'],
  scheduled: ['Scheduled', 'Waiting for the send time.'],
  held: ['Held', "Waiting for the recipient's quiet hours to end."],
  sent: ['Sent', 'Accepted by Twilio, no delivery receipt yet.'],
  delivered: ['Delivered', 'The carrier confirmed delivery to the handset.'],
  failed: ['Failed', 'Will never be sent, or the carrier could not deliver it.'],
  expired: ['Expired', 'Not sent before the expiry time: never sent.'],
} as const

export const consoleSendCopy = {
  formatIn,

  compose: {
    intro:
      'Write a notification to every subscriber of a topic. Nothing is queued until you confirm on the next page, which ' +
      'states how many messages it makes.',
    noTopics: 'No topic is open: open one on the Topics page first.',
    toTopics: 'Go to Topics',
    topicLabel: 'Topic',
    topicOption: (key: string, title: string, subscribers: number) => `${key}: ${title} (${plural(subscribers, 'subscriber')})`,
    bodyLabel: 'Text',
    bodyHint: 'Each recipient gets it with a last line telling them how to stop this topic.',
    sendAtLabel: 'Send at (optional)',
    expiresAtLabel: 'Expires at (optional)',
    timesHint: (zone: string) =>
      `Date and time in ${zone} (the deployment's DEFAULT_TIME_ZONE), or an ISO 8601 time with its offset. ` +
      'Empty: at once, and never expires.',
    sendAtHint: 'Not sent before this time; at most 35 days ahead.',
    expiresAtHint: 'Messages still waiting at this time are never sent.',
    countsTitle: 'What each recipient gets',
    charactersTerm: 'Characters',
    characters: (n: number, max: number) => `${count(n)} of ${count(max)}`,
    charactersNote: 'An emoji counts as two.',
    encodingTerm: 'Encoding',
    encodings: {
      'GSM-7': 'GSM-7: 160 characters in one segment, 153 in each when split',
      'UCS-2': 'UCS-2: a character is outside GSM-7 (an emoji, say), so 70 characters in one segment, 67 in each when split',
    } as Record<'GSM-7' | 'UCS-2', string>,
    segmentsTerm: 'Segments',
    segments: (n: number) => `${plural(n, 'segment')} per recipient, the last line included`,
    audienceTitle: 'Recipients',
    previewButton: 'Update counts',
    continueButton: 'Review and confirm',
    invalidTime: (label: string, value: string, zone: string) =>
      `${label}: "${value.slice(0, 40)}" is not a date and time. Write it as 2026-12-01 09:00 (in ${zone}), or pick it in the field.`,
  },

  /** The audience in sentences: how many get it, and how many wait for their quiet hours to end. */
  audience: (key: string, f: QuietForecast, zone: string, scheduled: boolean): string[] => {
    const when = scheduled ? `at the send time, ${formatIn(f.at, zone)}` : 'now'
    const sentences = [
      f.recipients === 0
        ? `${key} has no subscriber who can get it now (none, or all opted out).`
        : `${plural(f.recipients, 'recipient')} now: the subscribers of ${key} who have not opted out and whose number works.`,
    ]
    if (f.recipients === 0) return sentences
    if (f.held === 0 || f.firstOpening === null || f.lastOpening === null) {
      sentences.push(`None of them is in quiet hours ${when}: everyone gets it as soon as the send rate allows.`)
      return sentences
    }
    const verb = f.held === 1 ? 'is' : 'are'
    sentences.push(
      f.firstOpening === f.lastOpening
        ? `${count(f.held)} of them ${verb} in quiet hours ${when}: they get it at ${formatIn(f.firstOpening, zone)}, when their ` +
            'quiet hours end.'
        : `${count(f.held)} of them ${verb} in quiet hours ${when}: they get it as their quiet hours end, the first at ` +
            `${formatIn(f.firstOpening, zone)} and the last at ${formatIn(f.lastOpening, zone)}.`,
    )
    if (f.expiring > 0) {
      sentences.push(`${count(f.expiring)} of them will still be in quiet hours at the expiry time: theirs will expire unsent.`)
    }
    return sentences
  },

  confirm: {
    title: 'Confirm the notification',
    total: (recipients: number, segments: number) =>
      `${plural(recipients, 'recipient')} × ${plural(segments, 'segment')} = ${plural(recipients * segments, 'segment')}`,
    totalNote: 'Twilio bills each segment.',
    noRecipients: 'Nobody would get it: publishing queues nothing, and the notification is done at once.',
    topicTerm: 'Topic',
    textTerm: 'Text',
    sendAtTerm: 'Send',
    atOnce: 'At once',
    expiresAtTerm: 'Expires',
    never: 'Never',
    publishButton: 'Publish',
    changeButton: 'Change it',
  },

  notifications: {
    intro: 'The latest notifications, newest first.',
    none: 'No notification yet.',
    listTitle: 'Notifications',
    idHeader: 'Number',
    topicHeader: 'Topic',
    createdHeader: 'Published',
    recipientsHeader: 'Recipients',
    segmentsHeader: 'Segments each',
    progressHeader: 'Progress',
    summary: (n: { sent: number; delivered: number; failed: number; expired: number; waiting: number }) => {
      const parts = [`${count(n.sent + n.delivered)} sent`]
      if (n.delivered > 0) parts.push(`${count(n.delivered)} delivered`)
      if (n.failed > 0) parts.push(`${count(n.failed)} failed`)
      if (n.expired > 0) parts.push(`${count(n.expired)} expired`)
      parts.push(n.waiting > 0 ? `${count(n.waiting)} waiting` : 'done')
      return parts.join(' · ')
    },
    older: 'Older notifications',
    newest: 'Newest notifications',
  },

  notification: {
    title: (id: number) => `Notification ${id}`,
    published: (recipients: number) => `Published: queued for ${plural(recipients, 'recipient')}.`,
    topicTerm: 'Topic',
    createdTerm: 'Published',
    sendAtTerm: 'Send at',
    expiresAtTerm: 'Expires at',
    segmentsTerm: 'Segments each',
    none: 'none',
    textTitle: 'Text',
    progressTitle: 'Progress',
    barLabel: 'Messages finished',
    bar: (finished: number, recipients: number) =>
      recipients === 0 ? 'No recipient: nothing to send.' : `${count(finished)} of ${count(recipients)} finished`,
    statusHeader: 'Status',
    messagesHeader: 'Messages',
    meaningHeader: 'What it means',
    statuses,
    done: 'Done: nothing is left to send. Delivery receipts may still arrive.',
    sending: 'Sending: this page follows the progress live.',
    waiting: 'Not done yet. Refresh to see the progress.',
    refresh: 'Refresh',
    toList: 'All notifications',
    notFound: (id: string) => `There is no notification ${id.slice(0, 20)}.`,
    tooManyStreams: (max: number) =>
      `${max} live progress streams are open already, the most this server keeps. Reload the page later, or use Refresh.`,
  },

  formatTime,
} as const

export type ConsoleSendCopy = typeof consoleSendCopy
