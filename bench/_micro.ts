import twilio from 'twilio'
import { toTwiml } from '../src/sms/twiml.js'
import { replies } from '../src/sms/replies.js'
import { parseCommand } from '../src/sms/commands.js'
import { createLogger, maskPhonesIn } from '../src/log.js'
import { createWriteStream } from 'node:fs'
import { nanoid } from 'nanoid'
const params: Record<string, string> = { ToCountry: 'US', ToState: 'MA', SmsMessageSid: 'SM1', NumMedia: '0', ToCity: 'BOSTON', FromZip: '02115', SmsSid: 'SM1', FromState: 'MA', SmsStatus: 'received', FromCity: 'BOSTON', Body: 'H', FromCountry: 'US', To: '+16175550100', ToZip: '02108', NumSegments: '1', MessageSid: 'SM1', AccountSid: 'AC0', From: '+16175550123', ApiVersion: '2010-04-01' }
function bench(name: string, fn: () => unknown, n = 50000) { for (let i = 0; i < 2000; i++) fn(); const t = performance.now(); for (let i = 0; i < n; i++) fn(); console.log(name.padEnd(30), ((performance.now() - t) * 1000 / n).toFixed(2), 'µs') }
const sig = twilio.getExpectedTwilioSignature('tok', 'http://127.0.0.1:3000/sms', params)
bench('getExpectedTwilioSignature', () => twilio.getExpectedTwilioSignature('tok', 'http://127.0.0.1:3000/sms', params))
bench('validateRequest', () => twilio.validateRequest('tok', sig, 'http://127.0.0.1:3000/sms', params))
bench('toTwiml(help)', () => toTwiml(replies.help))
bench('parseCommand(H)', () => parseCommand('H', 0))
bench('parseCommand(SUB X)', () => parseCommand('SUB CS2500-01', 0))
const log = createLogger('info', createWriteStream('/dev/null'))
bench('pino line', () => log.info({ req: { method: 'POST', url: '/sms' }, status: 200, ms: 1.2, from: '+1******0123', command: 'help' }, 'request completed'))
bench('maskPhonesIn(/sms)', () => maskPhonesIn('/sms'))
bench('nanoid(12)', () => nanoid(12))
