// The languages smsbot speaks, and which one a browser asks for: pure, no I/O.
export const LANGUAGES = ['en', 'es'] as const

export type Language = (typeof LANGUAGES)[number]

/** What a phone gets until it chooses (LANG ES), and a browser that asks for nothing we speak. */
export const DEFAULT_LANGUAGE: Language = 'en'

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value)
}

/**
 * The language an Accept-Language header prefers among ours (RFC 9110 §12.5.4): the highest weight wins, the first
 * listed among equals; `es-MX` counts as `es`; `*` means any (our default); `q=0` means "not this one".
 * A few lines instead of the negotiator package: only the primary subtag of two languages matters here.
 */
export function fromAcceptLanguage(header: string | undefined): Language {
  if (header === undefined) return DEFAULT_LANGUAGE
  let best: { language: Language; q: number } | undefined
  for (const part of header.slice(0, 1000).split(',')) {
    const [range = '', ...params] = part.trim().split(';')
    const primary = range.trim().toLowerCase().split('-')[0]
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue
    const language = primary === '*' ? DEFAULT_LANGUAGE : primary
    if (!isLanguage(language)) continue
    if (best === undefined || q > best.q) best = { language, q }
  }
  return best?.language ?? DEFAULT_LANGUAGE
}
