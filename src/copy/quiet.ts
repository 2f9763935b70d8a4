// How a quiet window is written: in texts (22:00-07:00), on the pages (22:00–07:00), and in the short form people type (22-7).

/** A daily quiet window in local time, in minutes after midnight (the shape of phones/settings.ts's QuietWindow). */
export interface QuietWindow {
  start: number
  end: number
}

/** A phone's quiet hours: the deployment's, none, or its own window (the shape of phones/settings.ts's QuietSetting). */
export type QuietSetting = { kind: 'default' } | { kind: 'off' } | { kind: 'window'; window: QuietWindow }

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`

/** 22:00-07:00, with a plain hyphen: an en dash is not GSM-7. */
export const windowText = (window: QuietWindow) => `${hhmm(window.start)}-${hhmm(window.end)}`

/** 22:00–07:00, as a page says it. */
export const windowDescribed = (window: QuietWindow) => `${hhmm(window.start)}–${hhmm(window.end)}`

const clock = (minutes: number) =>
  minutes % 60 === 0 ? String(minutes / 60) : `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`

/**
 * `22-7`, `22:30-7`: the short form people type, as phones/settings.ts reads it and keeps it (its formatQuietWindow
 * writes the same; test/copy/quiet.test.ts holds the two together).
 */
export const windowShort = (window: QuietWindow) => `${clock(window.start)}-${clock(window.end)}`
