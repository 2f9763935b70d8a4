// The web pages in Spanish (SPEC §9): Accept-Language before the phone is known, the phone's LANG choice after;
// the code texted in the phone's language; both catalogues with the same entries.
import t from 'tap'
import { saveTopic } from '../../src/topics/queries.js'
import { webCopy } from '../../src/copy/index.js'
import { buildTestApp, text, type RecordingSender, type TapT } from '../helpers.js'
import { Browser } from './client.js'

const PHONE = '+16175550123'

async function setup(t: TapT) {
  const test = await buildTestApp(t)
  await saveTopic(test.db, 'CS2500-01', 'Fundamentals of CS 1', test.clock.now())
  const sender = test.sender as RecordingSender
  return { ...test, sender }
}

t.test(
  'Accept-Language: es gets the form in Spanish, with its lang, Content-Language and Vary; the code is texted in Spanish',
  async (t) => {
    const { app, sender } = await setup(t)
    const browser = new Browser(app, 'es-MX,es;q=0.9,en;q=0.5')
    const form = await browser.get('/verify')
    t.match(form.body, /<html lang="es">/)
    t.match(form.body, /<title>Verifica tu teléfono · smsbot<\/title>/)
    t.match(form.body, /Número de móvil/)
    t.match(form.body, /Envíame un código/)
    t.equal(form.headers['content-language'], 'es')
    t.match(form.headers.vary, /Accept-Language/)
    const refused = await browser.post('/verify', { phone: '12' })
    t.match(refused.body, /Eso no parece un número de móvil/)
    const codeForm = await browser.post('/verify', { phone: PHONE })
    t.match(codeForm.body, /Enviamos un código a \+1\*{6}0123\. Es válido durante 10 minutos\./)
    t.match(sender.sent.at(-1)?.body, /^Tu clave de smsbot es \d{4}$/, "a phone that never chose gets the code in the page's language")
    const code = /(\d{4})$/.exec(sender.sent.at(-1)?.body ?? '')?.[1] as string
    const wrong = await browser.post('/verify/code', { phone: PHONE, code: code === '0000' ? '1111' : '0000' })
    t.match(wrong.body, /Ese código no es correcto\. Te quedan 4 intentos\./)
  },
)

t.test("English by default; a CSRF refusal and a bad link in the browser's language", async (t) => {
  const { app } = await setup(t)
  const english = await new Browser(app).get('/verify')
  t.match(english.body, /<html lang="en">/)
  t.match(english.body, /Verify your phone/)
  t.equal(english.headers['content-language'], 'en')
  const spanish = new Browser(app, 'es')
  await spanish.get('/verify')
  spanish.csrf = 'forged'
  const refused = await spanish.post('/verify', { phone: PHONE })
  t.equal(refused.statusCode, 403)
  t.match(refused.body, /<html lang="es">[\s\S]*Este formulario caducó/)
  const link = await spanish.get('/verify/link?t=nonsense')
  t.match(link.body, /Este enlace no es válido/)
})

t.test("after LANG ES by SMS: the code in Spanish, the form in the browser's English until signed in, then Spanish pages", async (t) => {
  const { app, sender } = await setup(t)
  await text(app, 'LANG ES', { From: PHONE })
  await text(app, 'SUB CS2500-01', { From: PHONE })
  const browser = new Browser(app, 'en-US')
  await browser.get('/verify')
  const codeForm = await browser.post('/verify', { phone: PHONE })
  t.match(codeForm.body, /We texted a code/, 'the phone is not proven yet: nothing about it shows')
  t.match(sender.sent.at(-1)?.body, /^Tu clave de smsbot es \d{4}$/, 'the phone gets its code in Spanish')
  const code = /(\d{4})$/.exec(sender.sent.at(-1)?.body ?? '')?.[1] as string
  const success = await browser.post('/verify/code', { phone: PHONE, code })
  t.match(success.body, /<html lang="es">[\s\S]*Teléfono verificado[\s\S]*¡Ya estás suscrito! Envía H para ver los comandos\./)
  const me = await browser.get('/me')
  t.match(me.body, /<html lang="es">/)
  for (const words of [
    'Tu perfil',
    'Teléfono',
    'Verificado',
    '23 de noviembre de 2026',
    'Tus temas',
    'CS2500-01',
    'Dejar de seguir',
    'Otros temas',
    'Cuándo te escribimos',
    'Cerrar sesión',
  ]) {
    t.ok(me.body.includes(words), words)
  }
  const full = await browser.post('/me/subscriptions', { topic: 'NOPE', action: 'subscribe' })
  t.match(full.body, /No hay ningún tema abierto llamado NOPE\./)
  const settings = await browser.post('/me/settings', { quiet: 'never', zone: '' })
  t.match(settings.body, /Escribe las horas de silencio como dos horas/)
  await text(app, 'LANG EN', { From: PHONE })
  t.match((await browser.get('/me')).body, /<html lang="en">[\s\S]*Your profile/, 'LANG EN by SMS: back to English')
})

t.test("the link texted by S opens in the phone's language", async (t) => {
  const { app } = await setup(t)
  await text(app, 'ESPAÑOL', { From: PHONE })
  const reply = await text(app, 'S', { From: PHONE })
  const url = new URL(/(http\S+)$/.exec(reply)?.[1] as string)
  const page = await new Browser(app).get(`${url.pathname}${url.search}`)
  t.match(page.body, /<html lang="es">[\s\S]*Enviaste S desde \+1\*{6}0123/)
})

t.test('both web catalogues have the same entries, errors included', async (t) => {
  const keys = (o: object): string[] =>
    Object.entries(o as Record<string, unknown>)
      .flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v).map((n) => `${k}.${n}`) : [k]))
      .sort()
  t.same(keys(webCopy.es), keys(webCopy.en))
  t.equal(
    webCopy.es.errors.locked(new Date('2026-11-23T15:04:00Z')),
    'Demasiados códigos incorrectos para este número. Puedes volver a intentarlo después del 23 nov 2026, 3:04 p.m. UTC ' +
      'o enviar S desde el teléfono para recibir un enlace de acceso.',
  )
  t.equal(
    webCopy.es.refusal({ ok: false, reason: 'cooldown', waitSeconds: 1 }),
    'Te acabamos de enviar un código. Espera 1 segundo antes de pedir otro.',
  )
  t.equal(webCopy.es.errors.wrong(1), 'Ese código no es correcto. Te queda 1 intento.')
  t.equal(webCopy.es.errors.phoneNotMobile('TOLL_FREE'), 'Solo podemos enviar mensajes a móviles; ese parece un número gratuito.')
  t.equal(webCopy.es.codeIntro(PHONE, 1), 'Enviamos un código a +1******0123. Es válido durante 1 minuto.')
  t.equal(webCopy.es.quietHoursNow({ kind: 'off' }, undefined), 'Desactivadas: los avisos llegan a cualquier hora.')
  t.equal(webCopy.es.quietHoursNow({ kind: 'default' }, undefined), 'Desactivadas (lo habitual aquí): los avisos llegan a cualquier hora.')
  t.equal(webCopy.es.quietHoursNow({ kind: 'window', window: { start: 1320, end: 420 } }, undefined), '22:00–07:00, elegidas por ti.')
  t.equal(webCopy.es.timeZoneNow('America/Chicago', undefined, 'America/New_York'), 'America/Chicago, elegida por ti.')
  t.equal(webCopy.es.timeZoneNow(null, undefined, 'America/New_York'), 'America/New_York (no pudimos deducirla de tu número).')
  t.equal(
    webCopy.es.timeZoneNow(null, ['America/Chicago', 'America/Denver'], 'America/New_York'),
    'America/Chicago y America/Denver (el área de tu número abarca varias: esperamos a que no sean horas de silencio en ninguna).',
  )
  t.equal(
    webCopy.es.quietHoursHint(undefined),
    'Horas del reloj de 24 horas, por ejemplo 22-7 (de 22:00 a 7:00), u OFF. Déjalo vacío para usar lo habitual (ninguna).',
  )
})

t.test("a refused page request says so in the page's language, never in the validator's words", async (t) => {
  const { app, lines } = await setup(t)
  const sentences = {
    en: /<html lang="en">[\s\S]*Please try again[\s\S]*We could not read what this form sent\. Go back, check what you typed, and try/,
    es: /<html lang="es">[\s\S]*Inténtalo de nuevo[\s\S]*No pudimos leer lo que envió este formulario\. Vuelve atrás, revisa lo que/,
  }
  for (const [language, sentence] of Object.entries(sentences)) {
    const browser = new Browser(app, language)
    await browser.get('/verify')
    const refusals = [
      await browser.post('/verify', { phone: '6'.repeat(41) }),
      await browser.post('/verify/code', { phone: PHONE, code: '1'.repeat(41) }),
      await browser.post('/verify/link', { t: 'token', choice: 'maybe' }),
      await browser.post('/verify/link', {}),
      await browser.get(`/verify?phone=${'6'.repeat(41)}`),
      await browser.get('/verify/link'),
    ]
    for (const response of refusals) {
      t.equal(response.statusCode, 400, `${language}: ${response.body.length} bytes`)
      t.match(response.body, sentence, `${language}: the page's sentence`)
      t.notMatch(response.body, /must (NOT|have|be)|body\/|querystring\//, `${language}: not the validator's text`)
    }
  }
  const logged = lines.filter((line) => line.includes('page request refused'))
  t.ok(
    logged.some((line) => line.includes('must NOT have more than 40 characters')),
    'the log has the detail',
  )
})
