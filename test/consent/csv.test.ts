// The consent record as CSV: a header, one line per record, fields quoted when they must be, formulas defused.
import t from 'tap'
import { consentCsv } from '../../src/consent/csv.js'

t.test('one line per record, CRLF, quoting and formula-looking fields', async (t) => {
  const csv = consentCsv('+16175550123', [
    { at: '2026-11-23T12:00:00.000Z', action: 'opt_out', source: 'sms', topic: null, detail: 'STOP' },
    { at: '2026-11-23T12:01:00.000Z', action: 'subscribe', source: 'web', topic: 'CS2500-01', detail: 'a "quoted", odd\nvalue' },
    { at: '2026-11-23T12:02:00.000Z', action: 'opt_out', source: 'twilio', topic: null, detail: '=HYPERLINK("x")' },
  ])
  t.equal(
    csv,
    [
      'at,phone,action,source,topic,detail',
      '2026-11-23T12:00:00.000Z,+16175550123,opt_out,sms,,STOP',
      '2026-11-23T12:01:00.000Z,+16175550123,subscribe,web,CS2500-01,"a ""quoted"", odd\nvalue"',
      '2026-11-23T12:02:00.000Z,+16175550123,opt_out,twilio,,"\'=HYPERLINK(""x"")"',
      '',
    ].join('\r\n'),
  )
  t.equal(consentCsv('+16175550123', []), 'at,phone,action,source,topic,detail\r\n')
})
