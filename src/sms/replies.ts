// Every SMS the bot sends in reply, in one place; each fixed reply fits one SMS segment.

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

  signup: (url: string) => `Verify your phone and manage your topics here: ${url}`,

  subscribeWhich: 'Which topic? Text SUB and its name, e.g. SUB CS2500-01. Text TOPICS to see them.',
  unsubscribeWhich: 'Which topic? Text UNSUB and its name, e.g. UNSUB CS2500-01, or UNSUB ALL. Text LIST to see yours.',

  subscribed: (topic: TopicSummary, optedOut: boolean) =>
    `Subscribed to ${topic.key} (${shortTitle(topic.title, 40)}).` +
    (optedOut ? ' You opted out earlier: text START to get messages again.' : ` Text UNSUB ${topic.key} to stop.`),

  alreadySubscribed: (key: string) => `You already follow ${key}. Text LIST to see your topics.`,

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
    const shown = fitList(keys, 110)
    return `You follow: ${shown}. Text UNSUB <topic> to stop one.`
  },

  topics: (topics: TopicSummary[], total: number) => {
    if (topics.length === 0) return 'There are no open topics yet. Check back soon.'
    const items = topics.map((t) => `${t.key} (${shortTitle(t.title, 24)})`)
    const more = total > topics.length ? ` +${total - topics.length} more.` : ''
    return `Topics: ${items.join(', ')}.${more} Text SUB <topic> to follow.`
  },

  unknown: (suggestion: string | null) =>
    suggestion === null ? `Sorry, I didn't understand that. ${HELP_HINT}` : `Sorry, I didn't understand that. Did you mean ${suggestion}? ${HELP_HINT}`,

  empty: `Your message was empty. ${HELP_HINT}`,
  mediaOnly: `I can't open pictures or attachments, only text commands. ${HELP_HINT}`,
  noText: `I only understand text commands, like SUB CS2500-01. ${HELP_HINT}`,

  failure: 'Something went wrong — please try again.',
} as const

/** Joins keys until the text would pass `budget` characters, then says how many were left out. */
function fitList(keys: string[], budget: number): string {
  const shown: string[] = []
  let length = 0
  for (const key of keys) {
    if (length + key.length + 2 > budget && shown.length > 0) break
    shown.push(key)
    length += key.length + 2
  }
  const hidden = keys.length - shown.length
  return hidden > 0 ? `${shown.join(', ')} +${hidden} more` : shown.join(', ')
}
