// Starts smsbot: configuration, database, sender, app; listens, and closes everything once on a signal (run by server.ts).
import closeWithGrace from 'close-with-grace'
import 'dotenv/config'
import { buildApp } from './app.js'
import { systemClock } from './clock.js'
import { ConfigError, createConfig } from './config.js'
import { migrateToLatest, openDatabase } from './database.js'
import { resolveSecrets } from './dev-secrets.js'
import { createLogger } from './log.js'
import { createSender } from './sender/index.js'

async function main(): Promise<void> {
  let resolved
  try {
    resolved = resolveSecrets(createConfig(process.env))
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`smsbot cannot start. ${err.message}\nSee template.env for every variable.\n`)
      process.exit(1)
    }
    throw err
  }
  const { config, generated } = resolved
  const logger = createLogger(config.logLevel)
  if (config.publicUrl === undefined) {
    logger.warn('PUBLIC_URL is not set: webhook signatures and links use the Host of each request; set PUBLIC_URL to the URL Twilio calls')
  }
  if (generated.length > 0) {
    logger.warn({ variables: generated }, 'development secrets generated and kept beside the database; set them in production')
  }

  const db = openDatabase(config.databaseLocation, { poolMax: config.databasePoolMax })
  try {
    await migrateToLatest(db, config.databaseLocation)
  } catch (err) {
    logger.fatal({ err }, 'database migration failed')
    await db.destroy()
    process.exit(1)
  }

  const sender = createSender(config, logger, systemClock)
  const app = await buildApp({ config, db, sender, logger, clock: systemClock, dispatch: true })

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an error')
    else logger.info({ signal }, 'shutting down')
    await app.close()
  })

  await app.listen({ port: config.port, host: config.host })
  logger.info({ sender: sender.kind, publicUrl: config.publicUrl?.href }, 'smsbot is ready')
}

await main()
