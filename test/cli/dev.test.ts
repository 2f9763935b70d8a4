// npm run dev's entry (src/cli/dev.ts) as a real process under tsx: the watched server, and --tunnel's first refusal.
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { startServerProcess } from '../../src/wiring/server-process.js'
import { freePort } from '../ports.js'
import { projectPath } from '../root.js'

const TSX = createRequire(import.meta.url).resolve('tsx/cli')
const DEV = projectPath('src/cli/dev.ts')

// tap records coverage in every child; tsx's own transform maps src/*.ts differently from tap's loader, and
// merging the two would misreport those files. These children run under tsx, so they record none.
const NO_COVERAGE = { _TAPJS_PROCESSINFO_COVERAGE_: '0' }

t.test('without --tunnel it runs the server from source under tsx watch, and SIGTERM stops both', async (t) => {
  const dir = t.testdir()
  const port = await freePort()
  const env = {
    ...NO_COVERAGE,
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    DATABASE_PATH: join(dir, 'smsbot.sqlite'),
    LOG_LEVEL: 'silent',
  }
  const dev = startServerProcess([process.execPath, TSX, DEV], env, `http://127.0.0.1:${port}/healthz`, { output: 'ignore' })
  await dev.ready
  dev.stop()
  t.same(await dev.exited, { code: 0, signal: null })
  await t.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the watched server stopped too')
})

t.test('--tunnel runs smsbot tunnel, which says what is missing', async (t) => {
  const dir = t.testdir()
  const result = await promisify(execFile)(process.execPath, [TSX, DEV, '--tunnel'], {
    cwd: dir,
    env: { ...NO_COVERAGE, PATH: process.env.PATH ?? '', DATABASE_PATH: join(dir, 'smsbot.sqlite') },
  }).catch((e: unknown) => e as { code: number; stdout: string; stderr: string })
  t.match(result, { code: 1 })
  t.match(result.stderr, /^NGROK_AUTHTOKEN is not set: copy your authtoken from https:\/\/dashboard\.ngrok\.com/)
})
