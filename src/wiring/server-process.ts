// Runs the smsbot server as a child process for `smsbot tunnel`: ready once /healthz answers, stopped with SIGTERM.
import { spawn } from 'node:child_process'
import { setTimeout as delay } from 'node:timers/promises'

export interface ServerExit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ServerProcess {
  /** Resolves once GET /healthz answers 200; rejects if the process ends first. */
  ready: Promise<void>
  /** Resolves when the process has ended; never rejects. */
  exited: Promise<ServerExit>
  /** Asks the server to shut down (SIGTERM) if it is still running. */
  stop(): void
}

export interface ServerProcessOptions {
  /** `inherit` shows the server's log in this terminal (the default); `ignore` drops it. */
  output?: 'inherit' | 'ignore'
  pollMs?: number
}

export type StartServer = (command: string[], env: Record<string, string | undefined>, healthUrl: string) => ServerProcess

export function startServerProcess(
  command: string[],
  env: Record<string, string | undefined>,
  healthUrl: string,
  options: ServerProcessOptions = {},
): ServerProcess {
  const [file, ...args] = command as [string, ...string[]]
  const child = spawn(file, args, { env, stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit'] })
  let ended = false
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
    // A command that cannot be run at all never spawns, so no 'exit' follows its 'error'.
    child.once('error', () => resolve({ code: null, signal: null }))
  }).then((exit) => {
    ended = true
    return exit
  })

  // Polling /healthz also covers a server that restarts on change (tsx watch) before it first listens.
  const ready = (async () => {
    while (!ended) {
      try {
        const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) })
        await response.body?.cancel()
        if (response.ok) return
      } catch {
        // Not listening yet.
      }
      await Promise.race([delay(options.pollMs ?? 100), exited])
    }
    throw new Error('the server ended before it was ready')
  })()
  // The caller may only watch `exited`; an unawaited rejection must not end the process.
  ready.catch(() => {})

  return {
    ready,
    exited,
    stop: () => {
      if (!ended) child.kill('SIGTERM')
    },
  }
}
