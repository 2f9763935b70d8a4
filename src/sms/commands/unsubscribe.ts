// UNSUB <topic> stops following one topic; UNSUB ALL stops them all. (A bare UNSUBSCRIBE is the carrier's opt-out.)
import { normalizeTopicKey, TOPIC_KEY } from '../../topics/keys.js'
import { unsubscribe, unsubscribeAll } from '../../topics/queries.js'
import type { SmsCommand } from '../command.js'

export const unsubscribeCommand: SmsCommand = {
  id: 'unsubscribe',
  name: 'UNSUB',
  aliases: [],
  help: { en: 'UNSUB <topic> or ALL to stop', es: 'UNSUB <tema> o ALL para dejar' },
  suggestAs: 'UNSUB <topic>',
  answer: async ({ argument, copy, db, phone, now }) => {
    if (argument === null) return copy.unsubscribeWhich
    if (argument === 'ALL') return copy.unsubscribedAll(await unsubscribeAll(db, phone, now))
    if (!TOPIC_KEY.test(argument)) return copy.invalidTopic
    const removed = await unsubscribe(db, phone, argument, now)
    return removed ? copy.unsubscribed(normalizeTopicKey(argument)) : copy.notSubscribed(argument)
  },
}
