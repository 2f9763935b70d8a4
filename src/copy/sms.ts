// What the SMS texts are about and how each is kept to its segments: the shared types and fitting helpers of sms-en.ts and sms-es.ts.
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

export const range = (first: number, last: number) => (first === last ? `${first}` : `${first}-${last}`)

/** The first text that fits in one segment; the last when none does. */
export function firstFitting(texts: [string, ...string[]]): string {
  return texts.find((text) => segmentsOf(text) === 1) ?? (texts.at(-1) as string)
}

/** ` (title)` cut to `max` characters, or nothing when `max` is 0. */
export const titled = (title: string, max: number) => (max === 0 ? '' : ` (${shortTitle(title, max)})`)

/**
 * The first rendering that fits in `segments`: the title cut to 40, then 20 characters, then left out, then also
 * the hint that repeats the topic's key (a key may be 64 characters) made generic.
 */
export function fitting(segments: number, render: (max: number, keyed: boolean) => string): string {
  for (const [max, keyed] of [
    [40, true],
    [20, true],
    [0, true],
  ] as const) {
    const text = render(max, keyed)
    if (segmentsOf(text) <= segments) return text
  }
  return render(0, false)
}

/** A menu with as many numbered items as fit in one segment; one item without its title if need be. */
export function fitMenu(items: MenuItem[], render: (shown: string[], n: number) => string): MenuText {
  const fitted = fitOneSegment(
    items.map((item) => `${item.number} ${item.key}${titled(item.title, 20)}`),
    render,
  )
  if (fitted.shown !== 1 || segmentsOf(fitted.text) === 1) return fitted
  const [first] = items as [MenuItem]
  return { text: render([`${first.number} ${first.key}`], 1), shown: 1 }
}
export const firstNumber = (items: MenuItem[]) => items[0]?.number ?? 1

export function more(hidden: number, word: string): string {
  return hidden > 0 ? ` +${hidden} ${word}` : ''
}

/** Renders as many items as fit in one SMS segment (GSM-7 or UCS-2, as the text needs), at least one. */
export function fitOneSegment(items: string[], render: (shown: string[], n: number) => string): MenuText {
  for (let n = items.length; n > 1; n--) {
    const text = render(items.slice(0, n), n)
    if (segmentsOf(text) === 1) return { text, shown: n }
  }
  return { text: render(items.slice(0, 1), 1), shown: Math.min(1, items.length) }
}
