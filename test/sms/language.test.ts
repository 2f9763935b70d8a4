// LANG ES and LANG EN by SMS: the phone's replies in its language, kept in the database (SPEC §9).
import t from 'tap'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, DATABASES, text } from '../helpers.js'

const PHONE = '+16175550123'

for (const database of DATABASES) {
  t.test(`${database}: LANG ES, then H, SUB, LIST, TOPICS and a typo in Spanish; LANG EN back`, async (t) => {
    const { app, db, clock } = await buildTestApp(t, { database })
    await saveTopic(db, 'CS2500-01', 'Fundamentals of Computer Science 1', clock.now())
    t.equal(await text(app, 'LANG ES'), 'Listo: te escribimos en español. Escribe H para ver los comandos. LANG EN for English.')
    t.equal((await db.selectFrom('phones').select('language').where('phone', '=', PHONE).executeTakeFirstOrThrow()).language, 'es')
    t.equal(
      await text(app, 'H'),
      'SUB <tema> para seguir, UNSUB <tema> o ALL para dejar, LIST los tuyos, TOPICS todos, S la web, ' +
        'QUIET 22-7 u OFF, LANG EN: English. STOP para darte de baja.',
    )
    t.equal(await text(app, 'T'), 'Temas: 1 CS2500-01 (Fundamentals of C...). Responde 1 para seguir uno.')
    t.equal(
      await text(app, '1'),
      'Ahora sigues CS2500-01 (Fundamentals of Computer Science 1). ' +
        'smsbot: avisos de los temas que sigues. Pueden aplicar tarifas de msj y datos. Responde STOP para cancelar.',
    )
    t.equal(await text(app, 'LIST'), 'Sigues: CS2500-01. Escribe UNSUB <tema> para dejar uno.')
    t.equal(await text(app, 'lsit'), 'Lo siento, no lo entiendo. ¿Buscabas LIST? Escribe H para ver los comandos.')
    t.equal(await text(app, ''), 'Recibimos un mensaje en blanco. Escribe H para ver los comandos.')
    t.equal(
      await text(app, 'info'),
      'smsbot: avisos de los temas que sigues. Pueden aplicar tarifas de msj y datos. Responde STOP para cancelar.',
    )
    t.equal(
      await text(app, 'H', { From: '+16175550199' }),
      'SUB <topic> to follow, UNSUB <topic> or ALL to stop, LIST yours, TOPICS to browse, S for the web, ' +
        'QUIET 22-7 or OFF, LANG ES: español. STOP to opt out.',
      'another phone keeps English',
    )
    t.equal(await text(app, 'english'), 'OK, texts in English from now on. LANG ES para español.')
    t.match(await text(app, 'H'), /^SUB <topic> to follow/)
  })
}

t.test('ESPAÑOL, ESPANOL and ENGLISH alone switch too; anything else after LANG says what works', async (t) => {
  const { app, db } = await buildTestApp(t)
  const language = async () => (await db.selectFrom('phones').select('language').where('phone', '=', PHONE).executeTakeFirst())?.language
  t.match(await text(app, 'Español'), /^Listo/)
  t.equal(await language(), 'es')
  t.match(await text(app, 'lang en'), /^OK, texts in English/)
  t.match(await text(app, 'ESPANOL!'), /^Listo/)
  t.equal(await text(app, 'LANG FR'), 'LANG EN for English, LANG ES para español.')
  t.equal(await text(app, 'LANG'), 'LANG EN for English, LANG ES para español.')
  t.equal(await language(), 'es', 'unchanged')
  t.match(await text(app, 'ENGLISH'), /^OK/)
  t.equal(await language(), 'en')
})
