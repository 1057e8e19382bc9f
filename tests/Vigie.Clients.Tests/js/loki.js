// Sends known lines to Vigie's Loki push API with winston-loki.
// Usage: node loki.js <base-url> <json|protobuf> <run-id>
'use strict';
const winston = require('winston');
const LokiTransport = require('winston-loki');

const [, , url, mode, run] = process.argv;
if (mode === 'protobuf') {
  // winston-loki silently falls back to JSON when snappy cannot load: make that a failure.
  require('snappy');
}
let failed = false;
const transport = new LokiTransport({
  host: url,
  json: mode === 'json',
  batching: false,
  labels: { app: 'winston', run },
  format: winston.format.json(),
  onConnectionError: (err) => { failed = true; console.error('connection error', err); },
});
const logger = winston.createLogger({ transports: [transport] });
logger.info(`${mode} hello one`, { labels: { mode } });
logger.warn(`${mode} hello two`, { labels: { mode } });
logger.error(`${mode} hello three`, { labels: { mode } });
setTimeout(async () => {
  await transport.flush?.();
  process.exit(failed ? 1 : 0);
}, 1500);
