// Operator-facing problems, one code and one sentence each: the API answers with them and the CLI prints them.
export interface Problem {
  error: string
  message: string
}

/** The longest notification accepted: Twilio's own limit for one message body. */
export const MAX_BODY = 1600

export const problems = {
  apiDisabled: { error: 'api_disabled', message: 'The operator API is off: set ADMIN_TOKEN to enable it.' },
  unauthorized: { error: 'unauthorized', message: 'Send Authorization: Bearer <ADMIN_TOKEN>.' },
  invalidKey: {
    error: 'invalid_key',
    message: 'A topic key is 1 to 64 letters, digits, -, _ or ., starting and ending with a letter or digit.',
  },
  invalidTitle: { error: 'invalid_title', message: 'The title must not be blank.' },
  emptyBody: { error: 'empty_body', message: 'The notification text is empty.' },
  bodyTooLong: (length: number): Problem => ({
    error: 'body_too_long',
    message: `The notification text is ${length} characters; the most is ${MAX_BODY}.`,
  }),
  noSuchTopic: (key: string): Problem => ({ error: 'no_such_topic', message: `There is no open topic ${key}.` }),
  noSuchNotification: (id: string | number): Problem => ({ error: 'no_such_notification', message: `There is no notification ${id}.` }),
} as const

/** Why a notification text (already trimmed) cannot be sent, if it cannot. */
export function bodyProblem(text: string): Problem | undefined {
  if (text === '') return problems.emptyBody
  if (text.length > MAX_BODY) return problems.bodyTooLong(text.length)
  return undefined
}
