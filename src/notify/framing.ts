// How a notification reaches a phone: the operator's text, then how to stop that topic, in the phone's language.
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from '../language.js'
import { smsCopy } from '../copy/index.js'
import { MAX_BODY, segmentsOf } from '../copy/segments.js'

/**
 * The text sent: the body, a line break and the footer of the phone's language (copy/sms-en.ts, copy/sms-es.ts). A body
 * too long to take the footer within Twilio's 1 600 characters goes alone.
 */
export function frameNotification(body: string, topicKey: string, language: Language = DEFAULT_LANGUAGE): string {
  const framed = `${body}\n${smsCopy[language].notificationFooter(topicKey)}`
  return framed.length > MAX_BODY ? body : framed
}

/** The segments each recipient gets: the most of any language's framing (the footers are GSM-7, so never many more). */
export function framedSegments(body: string, topicKey: string): number {
  return Math.max(...LANGUAGES.map((language) => segmentsOf(frameNotification(body, topicKey, language))))
}
