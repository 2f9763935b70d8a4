// Every sentence the web pages show, one catalogue per language (a typed object each).
import type { Language } from '../language.js'
import { maskPhone } from './phone.js'
import { windowDescribed, windowShort, type QuietSetting, type QuietWindow } from './quiet.js'

/**
 * Why a code was not sent or not accepted (the refusals of verify/codes.ts's SendResult and verify/rules.ts's
 * CheckDecision, written here by shape: a reason the pages cannot say does not compile where it is passed).
 */
export type Refusal = { ok: false } & (
  | { reason: 'cooldown'; waitSeconds: number }
  | { reason: 'phoneHourly' }
  | { reason: 'ipHourly' }
  | { reason: 'locked'; until: Date }
  | { reason: 'sendFailed' }
  | { reason: 'wrong'; triesLeft: number }
  | { reason: 'expired' }
  | { reason: 'tooManyAttempts' }
  | { reason: 'noCode' }
  | { reason: 'ipFailures' }
)

/** A kind of number that cannot take a text (phones/normalize.ts's NotMobileType, written here by shape). */
export type NotMobileType =
  'PREMIUM_RATE' | 'TOLL_FREE' | 'SHARED_COST' | 'UAN' | 'VOICEMAIL' | 'PAGER' | 'FIXED_LINE' | 'PERSONAL_NUMBER' | 'VOIP'

/** What each kind of number that cannot take a text is called on the form. */
const NOT_MOBILE_NAMES_EN: Record<NotMobileType, string> = {
  PREMIUM_RATE: 'a premium-rate number',
  TOLL_FREE: 'a toll-free number',
  SHARED_COST: 'a shared-cost number',
  UAN: 'a company switchboard number',
  VOICEMAIL: 'a voicemail access number',
  PAGER: 'a pager number',
  FIXED_LINE: 'a landline',
  PERSONAL_NUMBER: 'a personal forwarding number',
  VOIP: 'an internet (VoIP) number',
}

function formatTime(date: Date, locale = 'en-US'): string {
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`
}

/** The sentence shown on the form for each refusal of a send or a check, from a catalogue's errors. */
function refusalIn(errors: WebCopy['errors']) {
  return (refusal: Refusal): string => {
    switch (refusal.reason) {
      case 'cooldown':
        return errors.cooldown(refusal.waitSeconds)
      case 'phoneHourly':
        return errors.phoneHourly
      case 'ipHourly':
        return errors.ipHourly
      case 'locked':
        return errors.locked(refusal.until)
      case 'sendFailed':
        return errors.sendFailed
      case 'wrong':
        return errors.wrong(refusal.triesLeft)
      case 'expired':
        return errors.expired
      case 'tooManyAttempts':
        return errors.tooManyAttempts
      case 'noCode':
        return errors.noCode
      case 'ipFailures':
        return errors.ipFailures
    }
  }
}

const en = {
  /** The page's lang attribute. */
  lang: 'en',
  siteName: 'smsbot',
  nameTerm: 'Name',
  phoneTerm: 'Phone',
  verifiedTerm: 'Verified',
  yourTopicsTitle: 'Your topics',
  otherTopicsTitle: 'Other topics',
  verifyTitle: 'Verify your phone',
  verifyIntro: 'We will text you a code to prove this phone is yours. Then you can manage your topics here.',
  phoneLabel: 'Mobile number',
  phoneHint: 'For example (617) 555-0123 or +1 617 555 0123.',
  nameLabel: 'Your name (optional)',
  sendButton: 'Text me a code',
  codeTitle: 'Enter your code',
  codeIntro: (phone: string, minutes: number) =>
    `We texted a code to ${maskPhone(phone)}. It is valid for ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  codeLabel: 'Code',
  checkButton: 'Verify',
  resendButton: 'Send a new code',
  changeNumber: 'Use another number',
  successTitle: 'Phone verified',
  success: "You are now subscribed! Send 'H' for help on commands.",
  toProfile: 'Go to your profile',
  profileTitle: 'Your profile',
  optedOut: 'You texted STOP, so we send you nothing. Text START to get notifications again.',
  noSubscriptions: 'You follow no topics yet.',
  settingsTitle: 'When we text you',
  settingsIntro: 'Notifications wait until your quiet hours are over. Codes and replies to your texts are never held.',
  quietLabel: 'Quiet hours',
  zoneLabel: 'Time zone',
  saveSettingsButton: 'Save',
  settingsSaved: 'Saved.',
  /** What applies now, in words. */
  quietHoursNow: (setting: QuietSetting, deployment: QuietWindow | undefined): string => {
    if (setting.kind === 'off') return 'Off: notifications come at any hour.'
    if (setting.kind === 'window') return `${windowDescribed(setting.window)}, your own choice.`
    return deployment === undefined
      ? 'Off (the default here): notifications come at any hour.'
      : `${windowDescribed(deployment)} (the default).`
  },
  /** The quiet-hours field as it reads back: empty for the default. */
  quietHoursValue: (setting: QuietSetting): string =>
    setting.kind === 'off' ? 'OFF' : setting.kind === 'window' ? windowShort(setting.window) : '',
  quietHoursHint: (deployment: QuietWindow | undefined) =>
    `Hours on the 24-hour clock, such as 22-7 (10 p.m. to 7 a.m.), or OFF. Leave it empty for the default ` +
    `(${deployment === undefined ? 'none' : windowShort(deployment)}).`,
  timeZoneNow: (chosen: string | null, ofNumber: readonly string[] | undefined, fallback: string): string => {
    if (chosen !== null) return `${chosen}, your own choice.`
    if (ofNumber === undefined) return `${fallback} (we could not tell from your number).`
    return ofNumber.length === 1
      ? `${ofNumber[0]} (from your number).`
      : `${ofNumber.join(' and ')} (your number's area spans them: we wait until it is not quiet hours in any).`
  },
  timeZoneHint: (ofNumber: readonly string[] | undefined, fallback: string) =>
    `EASTERN, CENTRAL, MOUNTAIN, PACIFIC, ALASKA, HAWAII, or a name such as America/Chicago. Leave it empty to use your number's ` +
    `(${ofNumber?.join(', ') ?? fallback}).`,
  noTopics: 'No other open topics right now.',
  subscribeButton: 'Follow',
  unsubscribeButton: 'Stop following',
  logoutButton: 'Log out',
  linkTitle: 'Verify this phone',
  linkIntro: (phone: string) => `You texted S from ${maskPhone(phone)}. Confirm to verify that phone and sign in here.`,
  linkButton: 'Verify this phone',
  linkInvalid: 'This link is not valid. Text S again to get a new one.',
  linkExpired: 'This link has expired. Text S again to get a new one.',
  linkUsed: 'This link was already used. Text S again to get a new one.',
  /** A link for another phone than the one this browser is signed in as: nothing changes until the person chooses. */
  linkOtherTitle: 'Signed in as another phone',
  linkOtherIntro: (current: string, linked: string) =>
    `This browser is signed in as ${maskPhone(current)}. This link is for ${maskPhone(linked)}. Nothing changes until you choose.`,
  linkOtherWarning: (current: string, linked: string) =>
    `If someone else sent you this link, stay signed in as ${maskPhone(current)}. If you sign in as ${maskPhone(linked)}, this profile ` +
    `moves to that phone, and ${maskPhone(current)} must be verified again to be managed here.`,
  linkStayButton: (current: string) => `Stay signed in as ${maskPhone(current)}`,
  linkSwitchButton: (linked: string) => `Sign in as ${maskPhone(linked)} instead`,
  formExpiredTitle: 'Please try again',
  formExpired: 'This form expired or was sent from another page. Go back, reload, and try again.',
  /** Any other refused request (a field missing, too long, or not what the form sends): never the validator's own words. */
  formRefused: 'We could not read what this form sent. Go back, check what you typed, and try again.',
  /** Sign-in with the team's identity provider (OIDC_NAME), when configured. */
  signInTitle: 'Sign in',
  signInIntro: (provider: string) => `Sign in with your ${provider} account first. The phone you verify next is linked to that account.`,
  signInButton: (provider: string) => `Sign in with ${provider}`,
  signedInAs: (who: string) => `Signed in as ${who}.`,
  emailTerm: 'E-mail',
  signInFailedTitle: 'Sign-in did not work',
  signInAgain: 'Start again',
  signInRefused: 'This sign-in could not be completed: it expired, was already used, or was not started in this browser. Start again.',
  signInUnavailable: (provider: string) => `We could not reach ${provider} just now. Try again in a few minutes.`,
  signInCancelled: (provider: string) => `${provider} did not sign you in. Start again if you want to.`,

  errors: {
    phoneInvalid: 'That does not look like a mobile number. Check the digits and try again.',
    phoneCountry: (allowed: string[]) => `We can only text numbers in ${allowed.join(', ')}.`,
    phoneNotMobile: (type: NotMobileType) => `We can only text mobile numbers; that looks like ${NOT_MOBILE_NAMES_EN[type]}.`,
    nameTooLong: 'Please keep your name under 60 characters.',
    quietHours: 'Write quiet hours as two hours of the 24-hour clock, such as 22-7, or OFF.',
    timeZone: 'We do not know that time zone. Try PACIFIC, or a name such as America/Los_Angeles.',
    cooldown: (seconds: number) =>
      `We just sent you a code. Wait ${seconds} second${seconds === 1 ? '' : 's'} before asking for a new one.`,
    phoneHourly: 'Too many codes were sent to this number in the last hour. Try again later.',
    ipHourly: 'Too many codes were requested from your network in the last hour. Try again later.',
    sendFailed: 'We could not text that number just now. Check it, or try again in a minute.',
    codeFormat: (length: number) => `Enter the ${length}-digit code from the text message.`,
    wrong: (triesLeft: number) => `That code is not right. You have ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left.`,
    expired: 'That code has expired. Send a new one.',
    tooManyAttempts: 'Too many wrong tries for this code. Send a new one.',
    noCode: 'There is no active code for this number. Send a new one.',
    ipFailures:
      'Too many wrong codes were tried from your network in the last hour. Try again later, or text S to the number to get a sign-in link.',
    locked: (until: Date) =>
      `Too many wrong codes for this number. You can try again after ${formatTime(until)}, or text S from the phone for a sign-in link.`,
  },
  noSuchTopic: (key: string) => `There is no open topic called ${key}.`,
  tooManySubscriptions: (max: number) => `You already follow ${max} topics, the most allowed.`,
  /** The sentence shown on the form for each refusal of a send or a check. */
  refusal: (refusal: Refusal): string => refusalIn(en.errors)(refusal),
  formatDate: (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso)),
}

export type WebCopy = typeof en

const NOT_MOBILE_NAMES_ES: Record<NotMobileType, string> = {
  PREMIUM_RATE: 'un número de tarificación especial',
  TOLL_FREE: 'un número gratuito',
  SHARED_COST: 'un número de coste compartido',
  UAN: 'el número de una centralita',
  VOICEMAIL: 'un número de acceso al buzón de voz',
  PAGER: 'un número de buscapersonas',
  FIXED_LINE: 'un teléfono fijo',
  PERSONAL_NUMBER: 'un número personal de desvío',
  VOIP: 'un número de internet (VoIP)',
}

const errorsEs: WebCopy['errors'] = {
  phoneInvalid: 'Eso no parece un número de móvil. Revisa los dígitos e inténtalo de nuevo.',
  phoneCountry: (allowed) => `Solo podemos enviar mensajes a números de ${allowed.join(', ')}.`,
  phoneNotMobile: (type) => `Solo podemos enviar mensajes a móviles; ese parece ${NOT_MOBILE_NAMES_ES[type]}.`,
  nameTooLong: 'Escribe un nombre de menos de 60 caracteres.',
  quietHours: 'Escribe las horas de silencio como dos horas del reloj de 24 horas, por ejemplo 22-7, u OFF.',
  timeZone: 'No conocemos esa zona horaria. Prueba PACIFIC o un nombre como America/Los_Angeles.',
  cooldown: (seconds) => `Te acabamos de enviar un código. Espera ${seconds} segundo${seconds === 1 ? '' : 's'} antes de pedir otro.`,
  phoneHourly: 'Se enviaron demasiados códigos a este número en la última hora. Inténtalo más tarde.',
  ipHourly: 'Se pidieron demasiados códigos desde tu red en la última hora. Inténtalo más tarde.',
  sendFailed: 'No pudimos enviar un mensaje a ese número ahora. Revísalo o inténtalo de nuevo en un minuto.',
  codeFormat: (length) => `Escribe el código de ${length} dígitos del mensaje de texto.`,
  wrong: (triesLeft) =>
    `Ese código no es correcto. Te ${triesLeft === 1 ? 'queda' : 'quedan'} ${triesLeft} ${triesLeft === 1 ? 'intento' : 'intentos'}.`,
  expired: 'Ese código ha caducado. Pide uno nuevo.',
  tooManyAttempts: 'Demasiados intentos fallidos con este código. Pide uno nuevo.',
  noCode: 'No hay ningún código activo para este número. Pide uno nuevo.',
  ipFailures:
    'Se probaron demasiados códigos incorrectos desde tu red en la última hora. Inténtalo más tarde o envía S al número para recibir ' +
    'un enlace de acceso.',
  locked: (until) =>
    `Demasiados códigos incorrectos para este número. Puedes volver a intentarlo después del ${formatTime(until, 'es-US')} o enviar S ` +
    `desde el teléfono para recibir un enlace de acceso.`,
}

const es: WebCopy = {
  lang: 'es',
  siteName: 'smsbot',
  nameTerm: 'Nombre',
  phoneTerm: 'Teléfono',
  verifiedTerm: 'Verificado',
  yourTopicsTitle: 'Tus temas',
  otherTopicsTitle: 'Otros temas',
  verifyTitle: 'Verifica tu teléfono',
  verifyIntro: 'Te enviaremos un código por SMS para comprobar que este teléfono es tuyo. Después podrás gestionar tus temas aquí.',
  phoneLabel: 'Número de móvil',
  phoneHint: 'Por ejemplo (617) 555-0123 o +1 617 555 0123.',
  nameLabel: 'Tu nombre (opcional)',
  sendButton: 'Envíame un código',
  codeTitle: 'Escribe tu código',
  codeIntro: (phone, minutes) =>
    `Enviamos un código a ${maskPhone(phone)}. Es válido durante ${minutes} minuto${minutes === 1 ? '' : 's'}.`,
  codeLabel: 'Código',
  checkButton: 'Verificar',
  resendButton: 'Enviar un código nuevo',
  changeNumber: 'Usar otro número',
  successTitle: 'Teléfono verificado',
  success: '¡Ya estás suscrito! Envía H para ver los comandos.',
  toProfile: 'Ir a tu perfil',
  profileTitle: 'Tu perfil',
  optedOut: 'Enviaste STOP, así que no te enviamos nada. Envía START para volver a recibir avisos.',
  noSubscriptions: 'Todavía no sigues ningún tema.',
  settingsTitle: 'Cuándo te escribimos',
  settingsIntro: 'Los avisos esperan a que terminen tus horas de silencio. Los códigos y las respuestas a tus mensajes nunca esperan.',
  quietLabel: 'Horas de silencio',
  zoneLabel: 'Zona horaria',
  saveSettingsButton: 'Guardar',
  settingsSaved: 'Guardado.',
  quietHoursNow: (setting, deployment) => {
    if (setting.kind === 'off') return 'Desactivadas: los avisos llegan a cualquier hora.'
    if (setting.kind === 'window') return `${windowDescribed(setting.window)}, elegidas por ti.`
    return deployment === undefined
      ? 'Desactivadas (lo habitual aquí): los avisos llegan a cualquier hora.'
      : `${windowDescribed(deployment)} (lo habitual).`
  },
  quietHoursValue: en.quietHoursValue,
  quietHoursHint: (deployment) =>
    `Horas del reloj de 24 horas, por ejemplo 22-7 (de 22:00 a 7:00), u OFF. Déjalo vacío para usar lo habitual ` +
    `(${deployment === undefined ? 'ninguna' : windowShort(deployment)}).`,
  timeZoneNow: (chosen, ofNumber, fallback) => {
    if (chosen !== null) return `${chosen}, elegida por ti.`
    if (ofNumber === undefined) return `${fallback} (no pudimos deducirla de tu número).`
    return ofNumber.length === 1
      ? `${ofNumber[0]} (la de tu número).`
      : `${ofNumber.join(' y ')} (el área de tu número abarca varias: esperamos a que no sean horas de silencio en ninguna).`
  },
  timeZoneHint: (ofNumber, fallback) =>
    `EASTERN, CENTRAL, MOUNTAIN, PACIFIC, ALASKA, HAWAII o un nombre como America/Chicago. Déjalo vacío para usar la de tu número ` +
    `(${ofNumber?.join(', ') ?? fallback}).`,
  noTopics: 'Ahora no hay otros temas abiertos.',
  subscribeButton: 'Seguir',
  unsubscribeButton: 'Dejar de seguir',
  logoutButton: 'Cerrar sesión',
  linkTitle: 'Verifica este teléfono',
  linkIntro: (phone) => `Enviaste S desde ${maskPhone(phone)}. Confirma para verificar ese teléfono e iniciar sesión aquí.`,
  linkButton: 'Verificar este teléfono',
  linkInvalid: 'Este enlace no es válido. Envía S otra vez para recibir uno nuevo.',
  linkExpired: 'Este enlace ha caducado. Envía S otra vez para recibir uno nuevo.',
  linkUsed: 'Este enlace ya se usó. Envía S otra vez para recibir uno nuevo.',
  linkOtherTitle: 'Sesión iniciada con otro teléfono',
  linkOtherIntro: (current, linked) =>
    `Este navegador tiene la sesión iniciada como ${maskPhone(current)}. Este enlace es para ${maskPhone(linked)}. No cambia nada ` +
    `hasta que elijas.`,
  linkOtherWarning: (current, linked) =>
    `Si otra persona te envió este enlace, sigue con la sesión de ${maskPhone(current)}. Si inicias sesión como ${maskPhone(linked)}, ` +
    `este perfil pasa a ese teléfono y habrá que volver a verificar ${maskPhone(current)} para gestionarlo aquí.`,
  linkStayButton: (current) => `Seguir con la sesión de ${maskPhone(current)}`,
  linkSwitchButton: (linked) => `Iniciar sesión como ${maskPhone(linked)}`,
  formExpiredTitle: 'Inténtalo de nuevo',
  formExpired: 'Este formulario caducó o se envió desde otra página. Vuelve atrás, recarga la página e inténtalo de nuevo.',
  formRefused: 'No pudimos leer lo que envió este formulario. Vuelve atrás, revisa lo que escribiste e inténtalo de nuevo.',
  signInTitle: 'Inicia sesión',
  signInIntro: (provider) =>
    `Primero inicia sesión con tu cuenta de ${provider}. El teléfono que verifiques después quedará vinculado a esa cuenta.`,
  signInButton: (provider) => `Iniciar sesión con ${provider}`,
  signedInAs: (who) => `Sesión iniciada como ${who}.`,
  emailTerm: 'Correo electrónico',
  signInFailedTitle: 'No se pudo iniciar sesión',
  signInAgain: 'Empezar de nuevo',
  signInRefused: 'No se pudo completar este inicio de sesión: caducó, ya se usó o no se empezó en este navegador. Empieza de nuevo.',
  signInUnavailable: (provider) => `No pudimos conectar con ${provider} ahora. Inténtalo de nuevo en unos minutos.`,
  signInCancelled: (provider) => `${provider} no inició tu sesión. Empieza de nuevo si quieres.`,
  errors: errorsEs,
  noSuchTopic: (key) => `No hay ningún tema abierto llamado ${key}.`,
  tooManySubscriptions: (max) => `Ya sigues ${max} temas, el máximo permitido.`,
  refusal: refusalIn(errorsEs),
  formatDate: (iso) => new Intl.DateTimeFormat('es-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso)),
}

/** The web catalogue: one typed object per language. */
export const webCopy: Record<Language, WebCopy> = { en, es }
