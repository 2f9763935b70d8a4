// What a topic key looks like and how keys compare: pure rules shared by the SMS commands, the web and the API.

/** A topic key: letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit. */
export const TOPIC_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/

/** Keys match case-insensitively; they are stored in upper case. */
export function normalizeTopicKey(key: string): string {
  return key.toUpperCase()
}
