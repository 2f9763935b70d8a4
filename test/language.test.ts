// Which language a browser asks for (Accept-Language), among the two smsbot speaks.
import t from 'tap'
import { fromAcceptLanguage, isLanguage } from '../src/language.js'

t.test('the highest weight wins, the first among equals; regions count as their language; q=0 is a refusal', async (t) => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'en'],
    ['', 'en'],
    ['es', 'es'],
    ['es-MX,es;q=0.9,en;q=0.8', 'es'],
    ['en-US,en;q=0.9,es;q=0.8', 'en'],
    ['fr-FR, fr;q=0.9, es;q=0.5', 'es'],
    ['de, *;q=0.1', 'en'],
    ['en;q=0.2, es;q=0.7', 'es'],
    ['es;q=0, en', 'en'],
    ['es;q=0', 'en'],
    ['ES', 'es'],
    ['es;q=abc, en;q=0.1', 'en'],
    ['es;q=2', 'en'],
    ['en, es', 'en'],
    ['es , en', 'es'],
    [',,;q=,', 'en'],
  ]
  for (const [header, language] of cases) t.equal(fromAcceptLanguage(header), language, JSON.stringify(header))
  t.equal(fromAcceptLanguage(`${'x,'.repeat(2000)}es`), 'en', 'only the first 1 000 characters are read')
  t.ok(isLanguage('es'))
  t.notOk(isLanguage('fr'))
  t.notOk(isLanguage(undefined))
})
