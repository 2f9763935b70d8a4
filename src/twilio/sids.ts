// Twilio's message ids: `SM` and 32 hex digits, made here for the console sender, the mock Twilio and the simulator.
import { randomBytes } from 'node:crypto'

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`
}
