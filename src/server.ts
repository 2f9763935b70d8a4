// The process entry: `npm run build` bundles it, with what it imports, into one file (scripts/bundle.mjs).
import './start.js'
