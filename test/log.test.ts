// Phone masking and the logger's request serializer.
import { Writable } from 'node:stream'
import t from 'tap'
import { createRequire } from 'node:module'
import { createLogger, loggedPath, maskPhone, maskPhonesIn, serializeError } from '../src/log.js'
import { SendError } from '../src/sender/sender.js'
import { digitsOf, SPELLINGS } from './security/spellings.js'

/** Twilio's own REST error (the SDK's CommonJS default export), as its client throws it. */
const RestException = (createRequire(import.meta.url)('twilio/lib/base/RestException.js') as { default: new (response: unknown) => Error })
  .default
import { buildTestApp } from './helpers.js'

t.test('maskPhone keeps the first digit and the last four', async (t) => {
  t.equal(maskPhone('+15551234567'), '+1******4567')
  t.equal(maskPhone('+447911123456'), '+4*******3456')
  t.equal(maskPhone('12345'), '*****', 'too short to show anything')
})

t.test('maskPhonesIn masks numbers inside URLs and text', async (t) => {
  t.equal(maskPhonesIn('/verify?phone=%2B15551234567'), '/verify?phone=+1******4567')
  t.equal(maskPhonesIn('/verify?phone=+15551234567&x=1'), '/verify?phone=+1******4567&x=1')
  t.equal(maskPhonesIn('/verify?phone=(617) 555-0123'), '/verify?phone=+6*****0123')
  t.equal(maskPhonesIn('/api/notifications/42'), '/api/notifications/42', 'short numbers are left alone')
})

t.test('maskPhonesIn masks percent-encoded and plus-spaced numbers', async (t) => {
  t.equal(maskPhonesIn('/verify?phone=%2B1%20617%20555%200199'), '/verify?phone=+1******0199')
  t.equal(maskPhonesIn('/verify?phone=617+555+0199'), '/verify?phone=+6*****0199')
  t.equal(maskPhonesIn('/p/%252B1%2520617%2520555%25200199'), '/p/+1******0199', 'double encoding')
  t.equal(maskPhonesIn('/p/%28617%29%2D555%2D0199'), '/p/+6*****0199')
  t.equal(maskPhonesIn('/a%2Fb%3Fc'), '/a%2Fb%3Fc', 'other escapes are left alone')
})

t.test('loggedPath leaves the query string out and masks the path', async (t) => {
  t.equal(loggedPath('/verify?phone=617+555+0199'), '/verify')
  t.equal(loggedPath('/verify#phone=6175550199'), '/verify')
  t.equal(loggedPath('/u/%2B1%20617%20555%200199?x=1'), '/u/+1******0199')
  t.equal(loggedPath('/healthz'), '/healthz')
})

t.test('a request line never holds a full phone number, however it was encoded', async (t) => {
  const { app, lines } = await buildTestApp(t)
  const urls = [
    '/verify?phone=%2B1%20617%20555%200199',
    '/verify?phone=617+555+0199',
    '/verify?phone=%252B1%2520617%2520555%25200199',
    '/nowhere/%2B1%20617%20555%200199',
    '/nowhere/617+555+0199?phone=617.555.0199',
  ]
  for (const url of urls) await app.inject({ method: 'GET', url })
  const requestLines = lines
    .map((line) => JSON.parse(line) as { msg: string; req?: { url: string } })
    .filter((line) => line.msg === 'request completed')
  t.equal(requestLines.length, urls.length, 'one line per request')
  t.same(
    requestLines.map((line) => line.req?.url),
    ['/verify', '/verify', '/verify', '/nowhere/+1******0199', '/nowhere/+6*****0199'],
  )
  for (const line of lines) {
    // However the digits are spelled or separated in a line, 617 and 555 never appear together.
    const spelled = decodeURIComponent(decodeURIComponent(line.replace(/\+/g, ' ')))
    t.notMatch(spelled, /617\D{0,6}555/, 'no full number in a log line')
  }
})

t.test('the logger writes JSON with masked request URLs', async (t) => {
  const lines: string[] = []
  const out = new Writable({
    write: (chunk, _enc, done) => {
      lines.push(String(chunk))
      done()
    },
  })
  const logger = createLogger('info', out)
  logger.info({ req: { method: 'GET', url: '/u/%2B15551234567?phone=%2B15551234567' } }, 'incoming')
  logger.debug('hidden at info')
  t.equal(lines.length, 1)
  const line = JSON.parse(lines[0] as string) as { req: { url: string }; msg: string }
  t.equal(line.req.url, '/u/+1******4567', 'the path, masked; no query string')
  t.equal(line.msg, 'incoming')
})

t.test('a path is logged with the phone masked, whatever its spelling (issue 18, item 8b)', async (t) => {
  for (const [name, spelling] of SPELLINGS) {
    const logged = loggedPath(`/api/phones/${spelling}/consent?x=1`)
    t.match(logged, /^\/api\/phones\/(tel:)?[+(]?[\d#]\*+0304\/consent$/, `${name}: ${logged}`)
    t.notMatch(digitsOf(logged), /6\D{0,3}1\D{0,3}7\D{0,3}5\D{0,3}5\D{0,3}5/, `${name}: no run of the number's digits`)
  }
  t.equal(
    loggedPath('/api/phones/%2B1%C2%A0617/consent'),
    '/api/phones/%2B1%C2%A0617/consent',
    'four digits are not a phone: left as they were',
  )
  t.equal(loggedPath('/api/topics/CS2500-01/notifications'), '/api/topics/CS2500-01/notifications')
  t.equal(loggedPath('/api/notifications/123456'), '/api/notifications/123456')
  t.equal(loggedPath('/a/%C2'), '/a/%C2', 'a byte that is not UTF-8 is left as it was')
  t.equal(
    loggedPath('/p/%C2%A0%F0%9D%9F%8F%F0%9D%9F%94%F0%9D%9F%8F%F0%9D%9F%95555-0304'),
    '/p/\u00a0+1******0304',
    'mathematical digits read by their place',
  )
  t.equal(loggedPath('/p/%E2%91%A0%E2%91%A5%E2%91%A0%E2%91%A6555-0304'), '/p/+1******0304', 'circled digits count too')
  t.equal(loggedPath('/p/%C2%BD617-555-0304'), '/p/+#******0304', 'a number character without a digit value shows as #')
})

t.test('escapes nested deeper than the decoder goes show no digit at all', async (t) => {
  let nested = '+1%C2%A0617%C2%A0555%C2%A00304'
  for (let i = 0; i < 6; i++) nested = nested.replace(/%/g, '%25')
  const logged = loggedPath(`/api/phones/${nested}/consent`)
  t.notMatch(logged, /\d/, logged)
  t.match(logged, /^\/api\/phones\/\+#%##/)
})

t.test('masking stays linear on hostile paths', async (t) => {
  const hostile = [
    `/${'1/'.repeat(8000)}`,
    `/${'%C2%A0'.repeat(2700)}`,
    `/${'%25'.repeat(5000)}31`,
    `/${'\u0661'.repeat(8000)}`,
    `/${'%'.repeat(16_000)}`,
    `/${'1a'.repeat(8000)}`,
  ]
  const started = performance.now()
  for (const path of hostile) loggedPath(path)
  t.ok(performance.now() - started < 500, 'six 16 kB paths in well under half a second')
})

/** A logger writing to an array, with its lines parsed. */
function capture() {
  const lines: string[] = []
  const logger = createLogger(
    'info',
    new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk))
        done()
      },
    }),
  )
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) }
}

t.test('errors are logged without the digits Twilio echoes back (issue 18, item 8a)', async (t) => {
  const twilioError = new RestException({
    statusCode: 400,
    body: JSON.stringify({
      code: 21211,
      message: "The 'To' number +16175550304 is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211?To=%2B16175550304',
      status: 400,
      details: { to: '+1 (617) 555-0304', numbers: ['+16175550305', 16175550306], nested: { deeper: { phone: '617.555.0307' } } },
    }),
  })
  const { logger, lines, parsed } = capture()
  logger.warn({ err: twilioError, to: maskPhone('+16175550304') }, 'first-subscription confirmation not sent; the subscription stands')
  logger.error({ err: new SendError("The 'To' number +16175550304 is not a valid phone number.", false, 400, 21211) })
  logger.error(new Error('sending to +1 617 555 0304 failed', { cause: new Error('upstream said 617-555-0304') }))
  logger.error({ err: 'a string thrown: +16175550304' }, 'odd')
  logger.info('sending to %s', '+16175550304')
  for (const line of lines) t.notMatch(digitsOf(line), /617\D{0,6}555/, `no full number in: ${line.slice(0, 120)}`)
  const [warn, sendError, withCause, thrown, info] = parsed() as Array<{ err: Record<string, unknown>; msg: string }>
  t.match(warn?.err, {
    type: 'RestException',
    message: "The 'To' number +1******0304 is not a valid phone number.",
    code: 21211,
    status: 400,
    moreInfo: 'https://www.twilio.com/docs/errors/21211?To=+1******0304',
    details: { to: '+1******0304', numbers: ['+1******0305', '+1******0306'], nested: { deeper: { phone: '+6*****0307' } } },
  })
  t.match(warn?.err.stack, /^Error: The 'To' number \+1\*{6}0304 is not a valid phone number\.\n/)
  t.equal(sendError?.msg, "The 'To' number +1******0304 is not a valid phone number.", "pino's message taken from the error, masked")
  t.match(sendError?.err, { type: 'SendError', code: 21211, status: 400, retryable: false })
  t.equal(withCause?.msg, 'sending to +1******0304 failed')
  t.equal(withCause?.err.message, 'sending to +1******0304 failed: upstream said +6*****0304', 'the cause too')
  t.equal(thrown?.err, 'a string thrown: +1******0304')
  t.equal(info?.msg, 'sending to +1******0304')
})

t.test('an error serializes whatever it holds, within bounds', async (t) => {
  const err: Error & { self?: unknown } = Object.assign(new Error('boom'), {
    when: new Date('2026-11-23T12:00:00.000Z'),
    buffer: Buffer.from('+16175550304'),
    deep: { a: { b: { c: { d: { e: { f: { g: '+16175550304' } } } } } } },
    big: 16175550304n,
    small: 42,
    nothing: null,
    many: Array.from({ length: 600 }, (_, i) => i),
  })
  err.self = err
  const serialized = serializeError(err) as Record<string, unknown>
  t.equal(serialized.message, 'boom')
  // A timestamp is masked like any other run of 7 digits: a date in an error is worth less than a phone kept out.
  t.equal(serialized.when, '+2***1123T+1****0000Z', 'a date goes through its toJSON')
  t.equal(serialized.buffer, '[binary]')
  t.match(serialized.deep, { a: { b: { c: { d: { e: '[…]' } } } } })
  t.equal(serialized.big, '+1******0304')
  t.equal(serialized.small, 42)
  t.equal(serialized.nothing, null)
  t.equal((serialized.many as unknown[]).at(-1), '[…]', 'at most 500 values are walked')
  t.equal(serializeError(undefined), undefined)
})

t.test('an IPv4 address and its port stay readable; a phone beside one, or written with dots, is still masked', async (t) => {
  const { maskPhonesIn } = await import('../src/log.js')
  t.equal(maskPhonesIn('Server listening at http://127.0.0.1:41097'), 'Server listening at http://127.0.0.1:41097')
  t.equal(maskPhonesIn('connect ECONNREFUSED 10.200.30.40:5432'), 'connect ECONNREFUSED 10.200.30.40:5432')
  t.notMatch(maskPhonesIn('from 10.0.0.1 to +1 617 555 0123'), /617.?555/)
  t.notMatch(maskPhonesIn('617.555.0123'), /555/)
  t.notMatch(maskPhonesIn('1.617.555.0123'), /555/)
})
