// How a phone number is written where it must not be whole: on the pages, in the CLI's lines, and in every log line (log.ts).

/** `+15551234567` → `+1******4567`: enough to tell phones apart, not enough to text one. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (digits.length < 7) return '*'.repeat(digits.length)
  return `+${digits[0]}${'*'.repeat(digits.length - 5)}${digits.slice(-4)}`
}
