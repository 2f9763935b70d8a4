// Prism serving Twilio's own OpenAPI description (fixtures/twilio) on a free port, once for the test file that asks.
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import type { TapT } from './helpers.js'
import { freePort } from './ports.js'
import { projectPath } from './root.js'

const SPEC = projectPath('fixtures/twilio/twilio_api_v2010.json')
const PRISM = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js')

export interface PrismOptions {
  /**
   * --errors: also check Prism's own responses against the description. Off where Twilio's examples break their
   * own response schema (sms_url "" where it says format: uri); requests the description forbids are refused either way.
   */
  errors: boolean
}

/**
 * Starts Prism before the file's tests (it takes about 20 s to load the description) and stops it after them.
 * `url` is its base URL once the tests run.
 */
export function prismFor(t: TapT, options: PrismOptions): { readonly url: string } {
  let url = ''
  let prism: ChildProcess | undefined
  t.before(async () => {
    const port = await freePort()
    const args = [PRISM, 'mock', SPEC, '--host', '127.0.0.1', '--port', String(port), ...(options.errors ? ['--errors'] : [])]
    prism = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const deadline = Date.now() + 90_000
    while (Date.now() < deadline) {
      try {
        await fetch(`http://127.0.0.1:${port}`)
        url = `http://127.0.0.1:${port}`
        return
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
    throw new Error('Prism did not start within 90 s')
  })
  t.teardown(() => {
    prism?.kill()
  })
  return {
    get url() {
      return url
    },
  }
}
