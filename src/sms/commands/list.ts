// LIST and L: the topics this phone follows.
import { listSubscriptions } from '../../topics/queries.js'
import type { SmsCommand } from '../command.js'

export const list: SmsCommand = {
  id: 'list',
  name: 'LIST',
  aliases: ['L'],
  help: { en: 'LIST yours', es: 'LIST los tuyos' },
  answer: async ({ copy, db, phone }) => copy.list((await listSubscriptions(db, phone)).map((t) => t.key)),
}
