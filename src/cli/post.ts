// The one form POST of `smsbot text`, over node:http (or node:https): the status and the text of the answer.
import type { IncomingMessage } from 'node:http'

export interface FormPost {
  method: 'POST'
  headers: Record<string, string>
  body: string
}

/** What `smsbot text` reads of an answer; a fetch Response has it too, so a test may pass fetch instead. */
export interface Answer {
  ok: boolean
  status: number
  text(): Promise<string>
}

/**
 * fetch would do the same, but on Node 20 it costs a short-lived command a third of a second: it compiles its HTTP
 * parser (WebAssembly) in the background, and the process cannot exit before that compile ends. node:http parses
 * natively. Rejects, as fetch does, when the server cannot be reached.
 */
export async function postForm(url: string, post: FormPost): Promise<Answer> {
  const { request } = url.startsWith('https:') ? await import('node:https') : await import('node:http')
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const headers = { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) }
    request(url, { method: post.method, headers }, resolve).on('error', reject).end(post.body)
  })
  response.setEncoding('utf8')
  let text = ''
  for await (const chunk of response) text += chunk as string
  const status = response.statusCode as number
  return { ok: status >= 200 && status < 300, status, text: async () => text }
}
