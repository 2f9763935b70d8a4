// Everything the bot texts, one catalogue per language: replies, and the framing of codes and notifications.
// Each fixed reply fits one SMS segment (test/sms/replies.test.ts). The Spanish is written in the GSM-7 alphabet
// (é, ñ, ü, ¿ and ¡ are in it; á, í, ó and ú are not): one of those letters would make a text UCS-2, 70 characters
// a segment instead of 160, and the program identity could not fit. Words that need them are avoided, not misspelt.
import type { Language } from '../language.js'
import type { QuietWindow } from '../phones/settings.js'
import { segmentsOf } from './segments.js'

export interface TopicSummary {
  key: string
  title: string
}

/** Who is texting: PROGRAM_NAME and SUPPORT_CONTACT (CTIA's program identity). */
export interface Program {
  name: string
  contact: string | undefined
}

/** One numbered line of a menu. */
export interface MenuItem extends TopicSummary {
  number: number
}

/** A menu reply and how many of the items it showed (as many as fit in one segment). */
export interface MenuText {
  text: string
  shown: number
}

/** Titles are the operator's words and may be long; a reply keeps them short. */
function shortTitle(title: string, max = 30): string {
  return title.length > max ? `${title.slice(0, max - 3).trimEnd()}...` : title
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
/** 22:00-07:00, with a plain hyphen: an en dash is not GSM-7. */
const windowText = (window: QuietWindow) => `${hhmm(window.start)}-${hhmm(window.end)}`

const range = (first: number, last: number) => (first === last ? `${first}` : `${first}-${last}`)

const en = {
  /** H: the help lines of the commands (sms/commands/index.ts), then the carrier opt-out. */
  help: (lines: string[]) => `${lines.join(', ')}. STOP to opt out.`,

  /**
   * HELP and INFO (carrier keywords): the program identity CTIA asks for, in one segment; shorter when PROGRAM_NAME
   * and SUPPORT_CONTACT are long (30 and 60 characters at most, see config.ts).
   */
  identity: ({ name, contact }: Program) =>
    firstFitting([
      `${name}: alerts for the topics you follow.${contact === undefined ? '' : ` Help: ${contact}.`} Msg&data rates may apply. Reply STOP to cancel.`,
      `${name}: topic alerts.${contact === undefined ? '' : ` Help: ${contact}`} Msg&data rates may apply. Reply STOP to cancel.`,
    ]),

  signup: (url: string, minutes: number) => `Tap to verify this phone (works once, for ${minutes} min): ${url}`,

  unsubscribeWhich: 'Which topic? Text UNSUB and its name, e.g. UNSUB CS2500-01, or UNSUB ALL. Text LIST to see yours.',

  /** A subscription; the first one a phone ever makes also carries the program identity (up to two segments). */
  subscribed: (topic: TopicSummary, optedOut: boolean, identity?: string) =>
    fitting(identity === undefined ? 1 : 2, (max, keyed) =>
      `Subscribed to ${topic.key}${titled(topic.title, max)}.` +
      (optedOut ? ' You opted out earlier: text START to get messages again.' : identity !== undefined ? '' : keyed ? ` Text UNSUB ${topic.key} to stop.` : ' Text LIST to see your topics.') +
      (identity === undefined ? '' : ` ${identity}`)),

  alreadySubscribed: (key: string) => `You already follow ${key}. Text LIST to see your topics.`,

  invalidTopic: 'Topic names are letters, digits, - _ and . like CS2500-01. Text TOPICS to see the open ones.',

  noSuchTopic: (key: string) => `There is no open topic "${key.slice(0, 64)}". Text TOPICS to see the open ones.`,

  tooManySubscriptions: (max: number) => `You already follow ${max} topics, the most allowed. Text UNSUB <topic> to make room.`,

  unsubscribed: (key: string) => `Unsubscribed from ${key}. Text LIST to see your other topics.`,

  notSubscribed: (key: string) => `You were not subscribed to ${key.slice(0, 64)}. Text LIST to see your topics.`,

  unsubscribedAll: (count: number) =>
    count === 0
      ? 'You had no subscriptions. Text TOPICS to see what you can follow.'
      : count === 1 ? 'Unsubscribed from your only topic.' : `Unsubscribed from all ${count} of your topics.`,

  list: (keys: string[]) => {
    if (keys.length === 0) return 'You follow no topics yet. Text TOPICS to see them, then SUB <topic>.'
    return fitOneSegment(keys, (shown) => `You follow: ${shown.join(', ')}${more(keys.length - shown.length, 'more')}. Text UNSUB <topic> to stop one.`).text
  },

  /** TOPICS, SUB alone and MORE: numbered topics, as many as fit; `remaining` are left after all of `items`. */
  menu: (items: MenuItem[], remaining: number): MenuText =>
    fitMenu(items, (shown, n) => {
      const left = remaining + items.length - n
      return `Topics: ${shown.join(', ')}. Reply ${range(firstNumber(items), firstNumber(items) + n - 1)} to follow${left > 0 ? `, MORE for ${left} more` : ''}.`
    }),

  noTopics: 'There are no open topics yet. Check back soon.',
  /** MORE after the last page. */
  menuDone: (first: number, last: number) => `That was the whole list. Reply ${range(first, last)} to follow one of those topics.`,
  /** MORE with no conversation open (none yet, or it expired). */
  noMenu: 'Text TOPICS to see the topics, then reply with a number to follow one.',
  /** A number the open menu does not list. */
  menuRange: (first: number, last: number) => `Reply ${range(first, last)} to follow one of the topics listed, or TOPICS to start again.`,

  unknown: (suggestion: string | null) =>
    suggestion === null ? "Sorry, I didn't understand that. Text H for help." : `Sorry, I didn't understand that. Did you mean ${suggestion}? Text H for help.`,

  empty: 'Your message was empty. Text H for help.',
  mediaOnly: "I can't open pictures or attachments, only text commands. Text H for help.",
  noText: 'I only understand text commands, like SUB CS2500-01. Text H for help.',

  /** LANG EN, ENGLISH: said in the language chosen. */
  languageSet: 'OK, texts in English from now on. LANG ES para español.',
  /** LANG with something else: the same in both languages. */
  languageWhich: 'LANG EN for English, LANG ES para español.',

  quietOff: 'Quiet hours off: alerts come at any time of day. QUIET ON turns them back on.',
  /** QUIET ON: the deployment's window, or none when QUIET_HOURS is off. */
  quietDefault: (window: QuietWindow | undefined) =>
    window === undefined ? 'Quiet hours follow the usual setting: none, alerts come at any time. QUIET 22-7 sets your own.' : `Quiet hours on: no alerts ${windowText(window)} your time. QUIET 22-7 sets your own, QUIET OFF stops them.`,
  quietSet: (window: QuietWindow) => `Quiet hours set: no alerts ${windowText(window)} your time (TZ <zone> to change it). QUIET OFF stops them.`,
  quietInvalid: 'Send hours on the 24 h clock, e.g. QUIET 22-7 for 10pm to 7am, or QUIET OFF, or QUIET ON.',
  zoneSet: (zone: string) => `Time zone set to ${zone}. Quiet hours follow it. TZ AUTO goes back to your number's zone.`,
  zoneAuto: "Time zone back to your number's own. TZ PACIFIC (or another zone) sets one.",
  zoneInvalid: 'Unknown time zone. Try TZ EASTERN, CENTRAL, MOUNTAIN, PACIFIC, ALASKA, HAWAII or a name like TZ America/Chicago.',
  /** SETTINGS: the quiet window that applies (undefined: none; `own`: the phone's, else the usual) and the chosen zone. */
  settings: (quiet: { window: QuietWindow | undefined; own: boolean }, zone: string | null) =>
    `Quiet hours: ${quiet.window === undefined ? 'off' : `${windowText(quiet.window)}${quiet.own ? '' : ' (usual)'}`}. Time zone: ${zone ?? "your number's"}. QUIET 22-7, TZ PACIFIC or LANG ES to change.`,

  /** The text of a verification code (the WebOTP line is added after it). */
  code: (code: string) => `Your smsbot code is ${code}`,
  /** Closes every notification: how to stop that topic. */
  notificationFooter: (key: string) => `Text UNSUB ${key} to stop.`,

  failure: 'Something went wrong — please try again.',
}

export type SmsCopy = typeof en

const es: SmsCopy = {
  help: (lines) => `${lines.join(', ')}. STOP para darte de baja.`,

  identity: ({ name, contact }) =>
    firstFitting([
      `${name}: avisos de los temas que sigues.${contact === undefined ? '' : ` Ayuda: ${contact}.`} Pueden aplicar tarifas de msj y datos. Responde STOP para cancelar.`,
      `${name}: avisos.${contact === undefined ? '' : ` Ayuda: ${contact}`} Aplican tarifas de msj y datos. STOP para cancelar.`,
    ]),

  signup: (url, minutes) => `Toca para verificar este teléfono (sirve una vez, ${minutes} min): ${url}`,

  unsubscribeWhich: '¿Qué tema? Escribe UNSUB y su nombre, p. ej. UNSUB CS2500-01, o UNSUB ALL. LIST muestra los tuyos.',

  subscribed: (topic, optedOut, identity) =>
    fitting(identity === undefined ? 1 : 2, (max, keyed) =>
      `Ahora sigues ${topic.key}${titled(topic.title, max)}.` +
      (optedOut ? ' Te diste de baja antes: escribe START para volver a recibir mensajes.' : identity !== undefined ? '' : keyed ? ` Escribe UNSUB ${topic.key} para dejarlo.` : ' Escribe LIST para ver tus temas.') +
      (identity === undefined ? '' : ` ${identity}`)),

  alreadySubscribed: (key) => `Ya sigues ${key}. Escribe LIST para ver tus temas.`,

  invalidTopic: 'Los temas se escriben con letras, cifras, - _ y . como CS2500-01. Escribe TOPICS para ver los abiertos.',

  noSuchTopic: (key) => `No hay un tema abierto "${key.slice(0, 64)}". Escribe TOPICS para ver los abiertos.`,

  tooManySubscriptions: (max) => `Ya sigues ${max} temas, el tope permitido. Escribe UNSUB <tema> para hacer sitio.`,

  unsubscribed: (key) => `Dejaste de seguir ${key}. Escribe LIST para ver tus otros temas.`,

  notSubscribed: (key) => `No estabas suscrito a ${key.slice(0, 64)}. Escribe LIST para ver tus temas.`,

  unsubscribedAll: (count) =>
    count === 0
      ? 'No tienes suscripciones. Escribe TOPICS para ver lo que puedes seguir.'
      : count === 1 ? 'Dejaste de seguir tu tema.' : `Dejaste de seguir tus ${count} temas.`,

  list: (keys) => {
    if (keys.length === 0) return 'No sigues temas. Escribe TOPICS para verlos y luego SUB <tema>.'
    return fitOneSegment(keys, (shown) => `Sigues: ${shown.join(', ')}${more(keys.length - shown.length, 'otros')}. Escribe UNSUB <tema> para dejar uno.`).text
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
  menuRange: (first, last) => `Responde ${range(first, last).replace('-', ' a ')} para seguir un tema de la lista, o TOPICS para volver a empezar.`,

  unknown: (suggestion) =>
    suggestion === null ? 'Lo siento, no lo entiendo. Escribe H para ver los comandos.' : `Lo siento, no lo entiendo. ¿Buscabas ${suggestion}? Escribe H para ver los comandos.`,

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
  quietSet: (window) => `Horas de silencio: sin avisos de ${windowText(window)} en tu hora (TZ <zona> para cambiarla). QUIET OFF las quita.`,
  quietInvalid: 'Escribe las horas en formato de 24 h, p. ej. QUIET 22-7 para 22:00 a 07:00, o QUIET OFF, o QUIET ON.',
  zoneSet: (zone) => `Zona horaria: ${zone}. Las horas de silencio la siguen. TZ AUTO usa la de tu teléfono.`,
  zoneAuto: 'Zona horaria: otra vez la de tu teléfono. TZ PACIFIC (u otra zona) fija una.',
  zoneInvalid: 'Zona horaria desconocida. Prueba TZ EASTERN, CENTRAL, MOUNTAIN, PACIFIC, ALASKA, HAWAII o un nombre como TZ America/Chicago.',
  settings: (quiet, zone) =>
    `Horas de silencio: ${quiet.window === undefined ? 'ninguna' : `${windowText(quiet.window)}${quiet.own ? '' : ' (lo habitual)'}`}. Zona: ${zone ?? 'la de tu teléfono'}. QUIET 22-7, TZ PACIFIC o LANG EN para cambiarlo.`,

  code: (code) => `Tu clave de smsbot es ${code}`,
  notificationFooter: (key) => `Escribe UNSUB ${key} para dejarlo.`,

  failure: 'Hubo un problema; prueba de nuevo.',
}

/** The SMS catalogue: one typed object per language. */
export const smsCopy: Record<Language, SmsCopy> = { en, es }

/** English, the catalogue existing code and tests read directly. */
export const replies = en

/** The first text that fits in one segment; the last when none does. */
function firstFitting(texts: [string, ...string[]]): string {
  return texts.find((text) => segmentsOf(text) === 1) ?? (texts.at(-1) as string)
}

/** ` (title)` cut to `max` characters, or nothing when `max` is 0. */
const titled = (title: string, max: number) => (max === 0 ? '' : ` (${shortTitle(title, max)})`)

/**
 * The first rendering that fits in `segments`: the title cut to 40, then 20 characters, then left out, then also
 * the hint that repeats the topic's key (a key may be 64 characters) made generic.
 */
function fitting(segments: number, render: (max: number, keyed: boolean) => string): string {
  for (const [max, keyed] of [[40, true], [20, true], [0, true]] as const) {
    const text = render(max, keyed)
    if (segmentsOf(text) <= segments) return text
  }
  return render(0, false)
}

/** A menu with as many numbered items as fit in one segment; one item without its title if need be. */
function fitMenu(items: MenuItem[], render: (shown: string[], n: number) => string): MenuText {
  const fitted = fitOneSegment(items.map((item) => `${item.number} ${item.key}${titled(item.title, 20)}`), render)
  if (fitted.shown !== 1 || segmentsOf(fitted.text) === 1) return fitted
  const [first] = items as [MenuItem]
  return { text: render([`${first.number} ${first.key}`], 1), shown: 1 }
}
const firstNumber = (items: MenuItem[]) => items[0]?.number ?? 1

function more(hidden: number, word: string): string {
  return hidden > 0 ? ` +${hidden} ${word}` : ''
}

/** Renders as many items as fit in one SMS segment (GSM-7 or UCS-2, as the text needs), at least one. */
function fitOneSegment(items: string[], render: (shown: string[], n: number) => string): MenuText {
  for (let n = items.length; n > 1; n--) {
    const text = render(items.slice(0, n), n)
    if (segmentsOf(text) === 1) return { text, shown: n }
  }
  return { text: render(items.slice(0, 1), 1), shown: Math.min(1, items.length) }
}
