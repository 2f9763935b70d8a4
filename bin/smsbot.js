#!/usr/bin/env node
// The smsbot command: runs the compiled CLI (npm run build first, or use `npm run smsbot --`).
import 'dotenv/config'
import { runCli } from '../dist/src/cli/main.js'

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
})
