// TOPICS and T: the open topics, numbered; for CONVERSATION_MINUTES a reply that is just a number follows that topic.
import type { SmsCommand } from '../command.js'
import { startMenu } from '../menu.js'

export const topics: SmsCommand = {
  id: 'topics',
  name: 'TOPICS',
  aliases: ['T'],
  help: { en: 'TOPICS to browse', es: 'TOPICS todos' },
  answer: startMenu,
}
