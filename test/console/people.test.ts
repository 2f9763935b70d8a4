// The console's People page through inject: a phone in any usual form, its state, its consent record and its CSV.
import t from 'tap'
import { saveTopic } from '../../src/topics/queries.js'
import { text } from '../helpers.js'
import { BEARER, consoleApp as setup, OPERATOR, TEXTER, textOf } from './setup.js'

t.test('people: a phone in any usual form, its state, its consent record and its CSV', async (t) => {
  const { app, db, clock, operator } = await setup(t)
  const browser = await operator()
  await saveTopic(db, 'CS2500-01', 'Fundamentals of CS 1', clock.now())
  await text(app, 'SUB CS2500-01', { From: TEXTER })
  await text(app, 'LANG ES', { From: TEXTER })
  await text(app, 'STOP', { From: TEXTER })

  const blank = await browser.get('/console/people')
  t.equal(blank.statusCode, 200)
  t.match(blank.body, /<form method="get" action="\/console\/people" role="search"/)
  const page = await browser.get(`/console/people?phone=${encodeURIComponent('(617) 555-0101')}`)
  t.equal(page.statusCode, 200)
  const seen = textOf(page.body)
  t.match(seen, /State: \+16175550101/)
  t.match(seen, /Verified Not verified on the web/)
  t.match(seen, /Opted out Yes/)
  t.match(seen, /Language Spanish/)
  t.match(seen, /Subscriptions CS2500-01/)
  t.match(seen, /Consent record .* subscribe sms CS2500-01 .* opt_out sms STOP/)
  t.match(page.body, /href="\/console\/people\/consent\.csv\?phone=%2B16175550101"/)

  const csv = await browser.get('/console/people/consent.csv?phone=%2B16175550101')
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.match(csv.headers['content-disposition'], /attachment; filename="consent-16175550101\.csv"/)
  const api = await app.inject({ method: 'GET', url: '/api/phones/+16175550101/consent', headers: { ...BEARER, accept: 'text/csv' } })
  t.equal(csv.body, api.body, 'the same CSV the API gives')
  t.match(csv.body, /^at,phone,action,source,topic,detail\r\n/)

  const me = textOf((await browser.get(`/console/people?phone=${encodeURIComponent(OPERATOR)}`)).body)
  t.match(me, /Verified 2026-11-23 12:00:00 UTC/, 'a verified phone: when')
  t.match(me, /verify web/, 'its verification in the consent record')

  const bad = await browser.get('/console/people?phone=12')
  t.equal(bad.statusCode, 422)
  t.match(textOf(bad.body), /"12" is not a phone number\./)
  t.match(bad.body, /id="phone" name="phone" value="12"/)
  const unknown = await browser.get('/console/people?phone=6175550177')
  t.match(textOf(unknown.body), /smsbot has never heard from or texted \+16175550177/)
  t.equal((await browser.get('/console/people/consent.csv?phone=12')).statusCode, 422)
  const tollFree = await browser.get(`/console/people?phone=${encodeURIComponent('(888) 555-0100')}`)
  t.equal(tollFree.statusCode, 422)
  t.match(textOf(tollFree.body), /\(888\) 555-0100 is not a mobile number, so it cannot text smsbot/, 'a number no phone texts from')
  const noPhone = await browser.get('/console/people/consent.csv')
  t.equal(noPhone.statusCode, 422, 'the CSV without a phone')
  t.match(noPhone.body, /is not a phone number/)
})
