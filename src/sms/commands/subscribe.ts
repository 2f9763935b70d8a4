// SUB <topic> follows an open topic; SUB alone answers the numbered menu, whose numbers then subscribe.
import { TOPIC_KEY } from '../../topics/keys.js'
import type { SmsCommand } from '../command.js'
import { startMenu, subscribeTo } from '../menu.js'

export const subscribeCommand: SmsCommand = {
  id: 'subscribe',
  name: 'SUB',
  aliases: ['SUBSCRIBE'],
  help: { en: 'SUB <topic> to follow', es: 'SUB <tema> para seguir' },
  suggestAs: 'SUB <topic>',
  answer: async (request) => {
    if (request.argument === null) return startMenu(request)
    if (!TOPIC_KEY.test(request.argument)) return request.copy.invalidTopic
    return subscribeTo(request, request.argument)
  },
}
