// Sends known documents to Vigie's Elasticsearch API with the official client.
// Usage: node elastic.js <base-url> <run-id>
'use strict';
const { Client } = require('@elastic/elasticsearch');

async function main() {
  const [, , url, run] = process.argv;
  const client = new Client({ node: url });
  const info = await client.info();
  if (!info.version || !info.version.number) {
    throw new Error('no version in the info answer: ' + JSON.stringify(info));
  }
  const operations = [];
  for (let i = 1; i <= 3; i++) {
    operations.push({ index: { _index: 'js-logs' } });
    operations.push({ '@timestamp': new Date(Date.UTC(2026, 10, 25, 10, 0, i)).toISOString(), message: `js line ${i}`, run, n: i, http: { status: 200 + i } });
  }
  const result = await client.bulk({ operations });
  if (result.errors) {
    throw new Error('bulk reported errors: ' + JSON.stringify(result.items));
  }
  if (result.items.length !== 3) {
    throw new Error('expected 3 items, got ' + result.items.length);
  }
  console.log('ok', info.version.number);
}

main().catch((err) => { console.error(err); process.exit(1); });
