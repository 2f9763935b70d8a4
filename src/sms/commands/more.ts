// MORE (and the Spanish MAS): the next topics of the menu this phone was shown, numbered on.
import type { SmsCommand } from '../command.js'
import { continueMenu } from '../menu.js'

export const more: SmsCommand = {
  id: 'more',
  name: 'MORE',
  aliases: ['MAS', 'MÁS'],
  // The menu itself says when to text MORE.
  help: null,
  answer: continueMenu,
}
