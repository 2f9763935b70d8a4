// The console's little scripts, served from /console/assets/*.js (the pages' CSP allows scripts from the site only, never inline).
import { createHash } from 'node:crypto'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import type { ConsoleContext } from './routes.js'

/**
 * Compose: asks the server for the counts as one types (debounced), and for the recipients when the topic or a time
 * changes, so the rules stay in one place (the server's); the Publish form is sent once.
 */
const compose = `'use strict'
;(() => {
  const form = document.getElementById('compose-form')
  if (form !== null) watchCompose(form)
  const publish = document.getElementById('publish-form')
  if (publish !== null) {
    let sent = false
    publish.addEventListener('submit', (event) => {
      if (sent) event.preventDefault()
      sent = true
    })
  }

  function watchCompose(form) {
    const field = (name) => form.elements.namedItem(name)
    const token = field('_csrf').value
    const [topic, body, sendAt, expiresAt] = ['topic', 'body', 'sendAt', 'expiresAt'].map(field)
    const preview = document.getElementById('preview-button')
    if (preview !== null) preview.hidden = true
    const set = (id, text) => {
      const element = document.getElementById(id)
      if (element !== null && typeof text === 'string') element.textContent = text
    }
    // Only the latest answer of each kind is shown: an older one arriving late is dropped.
    const latest = { counts: 0, audience: 0 }
    async function ask(kind) {
      const mine = ++latest[kind]
      let answer
      try {
        const response = await fetch('/console/compose/preview', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token },
          body: JSON.stringify({
            topic: topic.value,
            body: body.value,
            sendAt: sendAt.value,
            expiresAt: expiresAt.value,
            audience: kind === 'audience',
          }),
        })
        if (!response.ok) return
        answer = await response.json()
      } catch {
        return
      }
      if (mine !== latest[kind]) return
      set('count-characters', answer.text.characters)
      set('count-encoding', answer.text.encoding)
      set('count-segments', answer.text.segments)
      const audience = document.getElementById('audience')
      if (kind === 'audience' && audience !== null && Array.isArray(answer.audience)) {
        audience.replaceChildren(
          ...answer.audience.map((sentence) => {
            const p = document.createElement('p')
            p.textContent = sentence
            return p
          }),
        )
      }
    }
    let timer
    body.addEventListener('input', () => {
      clearTimeout(timer)
      timer = setTimeout(() => ask('counts'), 250)
    })
    for (const element of [topic, sendAt, expiresAt]) element.addEventListener('change', () => ask('audience'))
  }
})()
`

/** A notification's page: follows the progress stream (Server-Sent Events) until the notification is done. */
const progress = `'use strict'
;(() => {
  const root = document.getElementById('progress')
  if (root === null || root.dataset.done === 'true' || typeof EventSource !== 'function') return
  const bar = document.getElementById('progress-bar')
  const label = document.getElementById('progress-label')
  const state = document.getElementById('progress-state')
  const set = (id, n) => {
    const element = document.getElementById(id)
    if (element !== null) element.textContent = Number(n).toLocaleString('en-US')
  }
  function show(progress) {
    for (const key of ['queued', 'scheduled', 'held', 'sent', 'delivered', 'failed', 'expired']) set('count-' + key, progress[key])
    bar.max = Math.max(progress.recipients, 1)
    bar.value = progress.recipients === 0 ? 1 : progress.finished
    label.textContent = progress.label
  }
  state.textContent = root.dataset.sending
  const source = new EventSource(root.dataset.events)
  source.addEventListener('progress', (event) => show(JSON.parse(event.data)))
  source.addEventListener('done', (event) => {
    source.close()
    show(JSON.parse(event.data))
    root.dataset.done = 'true'
    state.textContent = root.dataset.doneText
  })
})()
`

const scripts: Record<string, { text: string; etag: string }> = Object.fromEntries(
  Object.entries({ 'compose.js': compose, 'progress.js': progress }).map(([name, text]) => [
    name,
    { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 22)}"` },
  ]),
)

/** GET /console/assets/:name: the scripts, revalidated by their ETag (they change only with a new release). */
export async function assetRoutes(app: FastifyInstance, _context?: ConsoleContext): Promise<void> {
  app.get('/assets/:name', { schema: { params: Type.Object({ name: Type.String({ maxLength: 40 }) }) } }, async (request, reply) => {
    const { name } = request.params as { name: string }
    const script = Object.hasOwn(scripts, name) ? scripts[name] : undefined
    if (script === undefined) return reply.callNotFound()
    reply.header('etag', script.etag).header('cache-control', 'no-cache')
    if (request.headers['if-none-match'] === script.etag) return reply.code(304).send()
    return reply.type('text/javascript; charset=utf-8').send(script.text)
  })
}
