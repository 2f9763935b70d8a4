// The framework's ceiling: bare Fastify with @fastify/formbody answering every form POST with fixed TwiML.
import formbody from '@fastify/formbody'
import Fastify from 'fastify'

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>smsbot: fixed reply</Message></Response>'

const app = Fastify({ logger: false })
await app.register(formbody)
app.get('/healthz', async () => ({ status: 'ok' }))
app.post('/sms', async (_request, reply) => reply.type('text/xml; charset=utf-8').send(TWIML))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
