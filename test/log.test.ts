// Phone masking and the logger's request serializer.
import { Writable } from 'node:stream'
import t from 'tap'
import { createLogger, loggedPath, maskPhone, maskPhonesIn } from '../src/log.js'
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
  const requestLines = lines.map((line) => JSON.parse(line) as { msg: string; req?: { url: string } }).filter((line) => line.msg === 'request completed')
  t.equal(requestLines.length, urls.length, 'one line per request')
  t.same(requestLines.map((line) => line.req?.url), ['/verify', '/verify', '/verify', '/nowhere/+1******0199', '/nowhere/+6*****0199'])
  for (const line of lines) {
    // However the digits are spelled or separated in a line, 617 and 555 never appear together.
    const spelled = decodeURIComponent(decodeURIComponent(line.replace(/\+/g, ' ')))
    t.notMatch(spelled, /617\D{0,6}555/, 'no full number in a log line')
  }
})

t.test('the logger writes JSON with masked request URLs', async (t) => {
  const lines: string[] = []
  const out = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done() } })
  const logger = createLogger('info', out)
  logger.info({ req: { method: 'GET', url: '/u/%2B15551234567?phone=%2B15551234567' } }, 'incoming')
  logger.debug('hidden at info')
  t.equal(lines.length, 1)
  const line = JSON.parse(lines[0] as string) as { req: { url: string }; msg: string }
  t.equal(line.req.url, '/u/+1******4567', 'the path, masked; no query string')
  t.equal(line.msg, 'incoming')
})
