// A phone's consent record as CSV (RFC 4180), for operators who keep it in a spreadsheet or hand it to a carrier (pure).
import type { ConsentRecord } from './queries.js'

const HEADER = ['at', 'phone', 'action', 'source', 'topic', 'detail']

/** Quotes a field when it holds a comma, a quote or a line break; a leading = + - @ is defused for spreadsheets. */
function field(value: string | null): string {
  if (value === null) return ''
  const safe = /^[=+\-@]/.test(value) && !/^\+\d+$/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function consentCsv(phone: string, records: readonly ConsentRecord[]): string {
  const lines = [HEADER.join(',')]
  for (const r of records) lines.push([r.at, phone, r.action, r.source, r.topic, r.detail].map(field).join(','))
  return `${lines.join('\r\n')}\r\n`
}
