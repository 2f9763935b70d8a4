// Phone masking and the logger's request serializer.
import { Writable } from 'node:stream'
import t from 'tap'
import { createLogger, maskPhone, maskPhonesIn } from '../src/log.js'

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

t.test('the logger writes JSON with masked request URLs', async (t) => {
  const lines: string[] = []
  const out = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done() } })
  const logger = createLogger('info', out)
  logger.info({ req: { method: 'GET', url: '/verify?phone=%2B15551234567' } }, 'incoming')
  logger.debug('hidden at info')
  t.equal(lines.length, 1)
  const line = JSON.parse(lines[0] as string) as { req: { url: string }; msg: string }
  t.equal(line.req.url, '/verify?phone=+1******4567')
  t.equal(line.msg, 'incoming')
})
