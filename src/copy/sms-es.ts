// Everything the bot texts in Spanish, entry for entry as in English (sms-en.ts). Written in the GSM-7 alphabet
// (é, ñ, ü, ¿ and ¡ are in it; á, í, ó and ú are not): one of those letters would make a text UCS-2, 70 characters
// a segment instead of 160, and the program identity could not fit. Words that need them are avoided, not misspelt.
import { en, type SmsCopy } from './sms-en.js'
import { windowText } from './quiet.js'
import { firstFitting, fitMenu, fitOneSegment, fitting, firstNumber, more, range, titled } from './sms.js'

export const es: SmsCopy = {
  help: (lines) => `${lines.join(', ')}. STOP para darte de baja.`,

  identity: ({ name, contact }) =>
    firstFitting([
      `${name}: avisos de los temas que sigues.${contact === undefined ? '' : ` Ayuda: ${contact}.`} Pueden aplicar tarifas de msj y ` +
        `datos. Responde STOP para cancelar.`,
      `${name}: avisos.${contact === undefined ? '' : ` Ayuda: ${contact}`} Aplican tarifas de msj y datos. STOP para cancelar.`,
    ]),

  signup: (url, minutes) => `Toca para verificar este teléfono (sirve una vez, ${minutes} min): ${url}`,

  unsubscribeWhich: '¿Qué tema? Escribe UNSUB y su nombre, p. ej. UNSUB CS2500-01, o UNSUB ALL. LIST muestra los tuyos.',

  subscribed: (topic, optedOut, identity) =>
    fitting(
      identity === undefined ? 1 : 2,
      (max, keyed) =>
        `Ahora sigues ${topic.key}${titled(topic.title, max)}.` +
        (optedOut
          ? ' Te diste de baja antes: escribe START para volver a recibir mensajes.'
          : identity !== undefined
            ? ''
            : keyed
              ? ` Escribe UNSUB ${topic.key} para dejarlo.`
              : ' Escribe LIST para ver tus temas.') +
        (identity === undefined ? '' : ` ${identity}`),
    ),

  alreadySubscribed: (key) => `Ya sigues ${key}. Escribe LIST para ver tus temas.`,

  invalidTopic: 'Los temas se escriben con letras, cifras, - _ y . como CS2500-01. Escribe TOPICS para ver los abiertos.',

  noSuchTopic: (key) => `No hay un tema abierto "${key.slice(0, 64)}". Escribe TOPICS para ver los abiertos.`,

  tooManySubscriptions: (max) => `Ya sigues ${max} temas, el tope permitido. Escribe UNSUB <tema> para hacer sitio.`,

  unsubscribed: (key) => `Dejaste de seguir ${key}. Escribe LIST para ver tus otros temas.`,

  notSubscribed: (key) => `No estabas suscrito a ${key.slice(0, 64)}. Escribe LIST para ver tus temas.`,

  unsubscribedAll: (count) =>
    count === 0
      ? 'No tienes suscripciones. Escribe TOPICS para ver lo que puedes seguir.'
      : count === 1
        ? 'Dejaste de seguir tu tema.'
        : `Dejaste de seguir tus ${count} temas.`,

  list: (keys) => {
    if (keys.length === 0) return 'No sigues temas. Escribe TOPICS para verlos y luego SUB <tema>.'
    return fitOneSegment(
      keys,
      (shown) => `Sigues: ${shown.join(', ')}${more(keys.length - shown.length, 'otros')}. Escribe UNSUB <tema> para dejar uno.`,
    ).text
  },

  menu: (items, remaining) =>
    fitMenu(items, (shown, n) => {
      const left = remaining + items.length - n
      const numbers = range(firstNumber(items), firstNumber(items) + n - 1).replace('-', ' a ')
      return `Temas: ${shown.join(', ')}. Responde ${numbers} para seguir uno${left > 0 ? `; MORE para ver otros ${left}` : ''}.`
    }),

  noTopics: 'No hay temas abiertos por ahora. Vuelve a mirar pronto.',
  menuDone: (first, last) => `Esa era toda la lista. Responde ${range(first, last).replace('-', ' a ')} para seguir uno de esos temas.`,
  noMenu: 'Escribe TOPICS para ver la lista de temas y luego responde 1, 2... para seguir uno.',
  menuRange: (first, last) =>
    `Responde ${range(first, last).replace('-', ' a ')} para seguir un tema de la lista, o TOPICS para volver a empezar.`,

  unknown: (suggestion) =>
    suggestion === null
      ? 'Lo siento, no lo entiendo. Escribe H para ver los comandos.'
      : `Lo siento, no lo entiendo. ¿Buscabas ${suggestion}? Escribe H para ver los comandos.`,

  empty: 'Recibimos un mensaje en blanco. Escribe H para ver los comandos.',
  mediaOnly: 'No puedo abrir fotos ni adjuntos, solo comandos de texto. Escribe H para ver los comandos.',
  noText: 'Solo entiendo comandos de texto, como SUB CS2500-01. Escribe H para ver los comandos.',

  languageSet: 'Listo: te escribimos en español. Escribe H para ver los comandos. LANG EN for English.',
  languageWhich: en.languageWhich,

  quietOff: 'Horas de silencio desactivadas: los avisos llegan a cualquier hora. QUIET ON las vuelve a activar.',
  quietDefault: (window) =>
    window === undefined
      ? 'Horas de silencio como de costumbre: ninguna, los avisos llegan a cualquier hora. QUIET 22-7 fija las tuyas.'
      : `Horas de silencio activas: sin avisos de ${windowText(window)} en tu hora. QUIET 22-7 fija las tuyas, QUIET OFF las quita.`,
  quietSet: (window) =>
    `Horas de silencio: sin avisos de ${windowText(window)} en tu hora (TZ <zona> para cambiarla). QUIET OFF las quita.`,
  quietInvalid: 'Escribe las horas en formato de 24 h, p. ej. QUIET 22-7 para 22:00 a 07:00, o QUIET OFF, o QUIET ON.',
  zoneSet: (zone) => `Zona horaria: ${zone}. Las horas de silencio la siguen. TZ AUTO usa la de tu teléfono.`,
  zoneAuto: 'Zona horaria: otra vez la de tu teléfono. TZ PACIFIC (u otra zona) fija una.',
  zoneInvalid:
    'Zona horaria desconocida. Prueba TZ EASTERN, CENTRAL, MOUNTAIN, PACIFIC, ALASKA, HAWAII o un nombre como TZ America/Chicago.',
  settings: (quiet, zone) =>
    `Horas de silencio: ${quiet.window === undefined ? 'ninguna' : `${windowText(quiet.window)}${quiet.own ? '' : ' (lo habitual)'}`}. ` +
    `Zona: ${zone ?? 'la de tu teléfono'}. QUIET 22-7, TZ PACIFIC o LANG EN para cambiarlo.`,

  code: (code) => `Tu clave de smsbot es ${code}`,
  notificationFooter: (key) => `Escribe UNSUB ${key} para dejarlo.`,

  failure: 'Hubo un problema; prueba de nuevo.',
}
