// A free TCP port on 127.0.0.1 for a child process to listen on (tests, the tap cluster and the benchmark).
import { createServer } from 'node:net'
// tap's before/after scripts run this module with coverage on; it is test code, not measured like test/ (.taprc).
/* c8 ignore start */

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
