// The console tests' set-up: an app with operators and the API on, an operator's browser, and a page's text as read.
import type { TapT, DatabaseKind, RecordingSender } from '../helpers.js'
import { buildTestApp } from '../helpers.js'
import { signIn } from './sign-in.js'

export const OPERATOR = '+16175550123'
export const OPERATORS = { OPERATOR_PHONES: OPERATOR, OPERATOR_EMAILS: 'ops@example.org' }
export const ADMIN_TOKEN = 'test-admin-token-0123456789'
export const BEARER = { authorization: `Bearer ${ADMIN_TOKEN}` }
/** Someone who texts in (not an operator). */
export const TEXTER = '+16175550101'

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" }

/** What a reader sees of a page: the stylesheet and title dropped, tags dropped, entities decoded, white space collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<(style|title)>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ENTITIES[name] as string)
    .replace(/\s+/g, ' ')
}

/** An app whose operator is OPERATOR (and ops@example.org), with the API on; `operator()` signs a browser in as OPERATOR. */
export async function consoleApp(t: TapT, database: DatabaseKind = 'sqlite', env: Record<string, string> = OPERATORS) {
  const test = await buildTestApp(t, { database, env: { ...env, ADMIN_TOKEN } })
  const sender = test.sender as RecordingSender
  return { ...test, sender, operator: () => signIn(test.app, sender, '(617) 555-0123') }
}
