// How a notification reaches a phone: the operator's text, then how to stop that topic, in the phone's language.
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from '../language.js'
import { smsCopy } from '../sms/replies.js'
import { segmentsOf } from '../sms/segments.js'
import { MAX_BODY } from './problems.js'

/**
 * The text sent: the body, a line break and the footer of the phone's language (sms/replies.ts). A body too long to
 * take the footer within Twilio's 1 600 characters goes alone.
 */
export function frameNotification(body: string, topicKey: string, language: Language = DEFAULT_LANGUAGE): string {
  const framed = `${body}\n${smsCopy[language].notificationFooter(topicKey)}`
  return framed.length > MAX_BODY ? body : framed
}

/** The segments each recipient gets: the most of any language's framing (the footers are GSM-7, so never many more). */
export function framedSegments(body: string, topicKey: string): number {
  return Math.max(...LANGUAGES.map((language) => segmentsOf(frameNotification(body, topicKey, language))))
}
