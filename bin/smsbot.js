#!/usr/bin/env node
// The smsbot command: runs the compiled CLI (npm run build first, or use `npm run smsbot --`).
import 'dotenv/config'
import { runCli } from '../dist/src/cli/main.js'

// On a terminal the progress bar redraws one line; piped, each new state is its own line.
const tty = process.stdout.isTTY === true
let statusShown = false
let lastStatus = ''
const endStatus = () => {
  if (statusShown) process.stdout.write('\n')
  statusShown = false
}

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => {
    endStatus()
    process.stdout.write(`${line}\n`)
  },
  err: (line) => {
    endStatus()
    process.stderr.write(`${line}\n`)
  },
  status: (line) => {
    if (!tty) {
      if (line !== lastStatus) process.stdout.write(`${line}\n`)
    } else {
      process.stdout.write(`\r\x1b[2K${line}`)
      statusShown = true
    }
    lastStatus = line
  },
})
