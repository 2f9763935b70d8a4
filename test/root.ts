// The project's own files, found from the tests as tap runs them: tsc's output in dist/test/ (docs/development.md).
import { fileURLToPath } from 'node:url'
// tap's before/after scripts run this module with coverage on; it is test code, not measured like test/ (.taprc).
/* c8 ignore start */

const ROOT = new URL('../../', import.meta.url)

/** An absolute path to a file or folder of the project, given relative to its root (`fixtures/…`, `dist/src/…`). */
export function projectPath(path: string): string {
  return fileURLToPath(new URL(path, ROOT))
}
