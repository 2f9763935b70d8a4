// Every SMS the bot sends in reply, in one place; each fixed reply fits one SMS segment.
import { SegmentedMessage } from 'sms-segments-calculator'

export interface TopicSummary {
  key: string
  title: string
}

const HELP_HINT = 'Text H for help.'

/** Titles are the operator's words and may be long; a reply keeps them short. */
function shortTitle(title: string, max = 30): string {
  return title.length > max ? `${title.slice(0, max - 3).trimEnd()}...` : title
}

export const replies = {
  help: 'smsbot: SUB <topic> to follow, UNSUB <topic> or UNSUB ALL to stop, LIST your topics, TOPICS to browse, S to sign up on the web, STOP to opt out.',

  signup: (url: string, minutes: number) => `Tap to verify this phone (works once, for ${minutes} min): ${url}`,

  subscribeWhich: 'Which topic? Text SUB and its name, e.g. SUB CS2500-01. Text TOPICS to see them.',
  unsubscribeWhich: 'Which topic? Text UNSUB and its name, e.g. UNSUB CS2500-01, or UNSUB ALL. Text LIST to see yours.',

  subscribed: (topic: TopicSummary, optedOut: boolean) =>
    `Subscribed to ${topic.key} (${shortTitle(topic.title, 40)}).` +
    (optedOut ? ' You opted out earlier: text START to get messages again.' : ` Text UNSUB ${topic.key} to stop.`),

  alreadySubscribed: (key: string) => `You already follow ${key}. Text LIST to see your topics.`,

  invalidTopic: 'Topic names are letters, digits, - _ and . like CS2500-01. Text TOPICS to see the open ones.',

  noSuchTopic: (key: string) => `There is no open topic "${key.slice(0, 64)}". Text TOPICS to see the open ones.`,

  tooManySubscriptions: (max: number) => `You already follow ${max} topics, the most allowed. Text UNSUB <topic> to make room.`,

  unsubscribed: (key: string) => `Unsubscribed from ${key}. Text LIST to see your other topics.`,

  notSubscribed: (key: string) => `You were not subscribed to ${key.slice(0, 64)}. Text LIST to see your topics.`,

  unsubscribedAll: (count: number) =>
    count === 0
      ? 'You had no subscriptions. Text TOPICS to see what you can follow.'
      : count === 1 ? 'Unsubscribed from your only topic.' : `Unsubscribed from all ${count} of your topics.`,

  list: (keys: string[]) => {
    if (keys.length === 0) return 'You follow no topics yet. Text TOPICS to see them, then SUB <topic>.'
    return fitOneSegment(keys, keys.length, (shown, hidden) => `You follow: ${shown.join(', ')}${more(hidden)}. Text UNSUB <topic> to stop one.`)
  },

  topics: (topics: TopicSummary[], total: number) => {
    if (topics.length === 0) return 'There are no open topics yet. Check back soon.'
    const items = topics.map((t) => `${t.key} (${shortTitle(t.title, 24)})`)
    return fitOneSegment(items, total, (shown, hidden) => `Topics: ${shown.join(', ')}${more(hidden)}. Text SUB <topic> to follow.`)
  },

  unknown: (suggestion: string | null) =>
    suggestion === null ? `Sorry, I didn't understand that. ${HELP_HINT}` : `Sorry, I didn't understand that. Did you mean ${suggestion}? ${HELP_HINT}`,

  empty: `Your message was empty. ${HELP_HINT}`,
  mediaOnly: `I can't open pictures or attachments, only text commands. ${HELP_HINT}`,
  noText: `I only understand text commands, like SUB CS2500-01. ${HELP_HINT}`,

  failure: 'Something went wrong — please try again.',
} as const

function more(hidden: number): string {
  return hidden > 0 ? ` +${hidden} more` : ''
}

/** Renders as many items as fit in one SMS segment (GSM-7 or UCS-2, as the text needs); the rest are counted. */
function fitOneSegment(items: string[], total: number, render: (shown: string[], hidden: number) => string): string {
  for (let n = items.length; n > 1; n--) {
    const text = render(items.slice(0, n), total - n)
    if (new SegmentedMessage(text).segmentsCount === 1) return text
  }
  return render(items.slice(0, 1), total - 1)
}
