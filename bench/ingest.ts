import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { projectRoot } from '../src/app.js';
import { newId } from '../src/platform/ids.js';
import { sampleEvent } from './sample-event.js';
import { api, freshDatabase, machine, progress, setUpMerchant, startServer, type BenchDatabase, type DbKind } from './lib.js';
import { table, verdict, writeSection } from './report.js';

/**
 * /v1/batch (100 events of ~500 bytes a batch, acknowledged after commit) against a raw COPY of
 * the same number of rows into the same table, same database, same run. Target: ≥ 0.5.
 */
const BATCHES = Number(process.env.BENCH_BATCHES ?? 400);
const CONCURRENCY = 8;

async function ingest(url: string, key: string): Promise<{ events: number; seconds: number; failedBatches: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'bench/ingest-client.ts'), url, key, String(BATCHES), String(CONCURRENCY)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(out) as { events: number; seconds: number; failedBatches: number };
}

/** The same rows as the endpoint stores, in COPY text format (no tabs, newlines or backslashes in the JSON). */
function copyText(merchantId: string, rows: number): string {
  const lines: string[] = [];
  const now = new Date().toISOString();
  for (let i = 0; i < rows; i++) {
    const e = sampleEvent(`vis_copy${String(Math.floor(i / 100)).padStart(8, '0')}`, i % 100);
    lines.push([merchantId, newId('event'), randomUUID(), 'track', 'Product Viewed', e.anonymousId, JSON.stringify(e.properties), '{}', JSON.stringify(e.context), now].join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

const COPY_COLUMNS = 'merchant_id, event_id, message_id, type, name, anonymous_id, properties, traits, context, occurred_at';

async function copyBaseline(db: BenchDatabase, merchantId: string, rows: number): Promise<number> {
  const text = copyText(merchantId, rows);
  if (db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.url! });
    await client.connect();
    try {
      // COPY FROM is refused on a table under forced row-level security; as the table's owner
      // the benchmark lifts FORCE for the baseline and puts it back.
      await client.query('ALTER TABLE events NO FORCE ROW LEVEL SECURITY');
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        const stream = client.query(copyFrom(`COPY events (${COPY_COLUMNS}) FROM STDIN`));
        stream.on('finish', resolve).on('error', reject);
        stream.end(text);
      });
      return (performance.now() - started) / 1000;
    } finally {
      await client.query('ALTER TABLE events FORCE ROW LEVEL SECURITY');
      await client.end();
    }
  }
  const pglite = new PGlite(db.dataDir!);
  try {
    await pglite.waitReady;
    const started = performance.now();
    await pglite.query(`COPY events (${COPY_COLUMNS}) FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    return (performance.now() - started) / 1000;
  } finally {
    await pglite.close();
  }
}

export async function run(dbs: DbKind[]): Promise<void> {
  const rows: (string | number)[][] = [];
  // Described while a PostgreSQL database is still there to ask (each is dropped after its run).
  let machineInfo: string | null = null;
  for (const kind of dbs) {
    const db = await freshDatabase(kind);
    if (db.url) machineInfo ??= await machine(db.url);
    try {
      const server = await startServer(db.env);
      let merchantId = '';
      let result: { events: number; seconds: number; failedBatches: number };
      try {
        const cookie = await setUpMerchant(server.url);
        merchantId = (await api<{ merchant: { id: string } }>(server.url, cookie, 'GET', '/api/auth/me')).merchant.id;
        const { token } = await api<{ token: string }>(server.url, cookie, 'POST', '/api/keys', { kind: 'publishable', name: 'bench' });
        progress(`${kind}: warming up`);
        await ingest(server.url, token);
        progress(`${kind}: posting ${BATCHES} batches of 100 events, ${CONCURRENCY} at a time`);
        result = await ingest(server.url, token);
      } finally {
        await server.stop();
      }
      progress(`${kind}: COPY of ${result.events} rows into the same table`);
      const copySeconds = await copyBaseline(db, merchantId, result.events);
      const ingestRate = result.events / result.seconds;
      const copyRate = result.events / copySeconds;
      rows.push([
        kind === 'pglite' ? 'PGlite' : 'PostgreSQL',
        result.events,
        result.failedBatches,
        Math.round(ingestRate),
        Math.round(copyRate),
        (ingestRate / copyRate).toFixed(2),
        verdict(result.failedBatches === 0 && ingestRate / copyRate >= 0.5),
      ]);
    } finally {
      await db.drop();
    }
  }
  writeSection(
    'ingest',
    `## Event ingestion: /v1/batch against COPY

Run ${new Date().toISOString().slice(0, 10)} on ${machineInfo ?? (await machine(null))}.
A separate process posts ${BATCHES} batches of 100 track events (~500 bytes each; one visitor per batch), ${CONCURRENCY} requests in flight,
each answered only after commit (after a warm-up of the same size). The baseline COPYs the same number of rows of the same shape into the same \`events\` table
of the same database right after. Target: ratio ≥ 0.5.

${table(['database', 'events', 'failed batches', '/v1/batch events/s', 'COPY rows/s', 'ratio', 'verdict'], rows)}
`,
  );
}
