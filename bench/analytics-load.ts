import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { projectRoot } from '../src/app.js';
import { runDemo } from '../src/demo/run.js';
import type { SizeName } from '../src/demo/simulate.js';
import type { SinkCounts } from '../src/demo/sink.js';
import { migrate, openDatabase } from '../src/platform/db.js';
import { progress } from './lib.js';

/**
 * The analytics benchmark's dataset: the demo merchant of a size, loaded once into a database
 * kept for benchmarking (a large load takes an hour, so it is not redone per run). How long the
 * load took is kept beside, for the report.
 */

export interface LoadRecord {
  size: SizeName;
  merchantId: string;
  seconds: number;
  /** Simulated days loaded (365 when complete): a stopped load keeps its rate for the report. */
  days: number;
  complete: boolean;
  counts: SinkCounts;
  refusals: Record<string, number>;
  finishedAt: string;
}

function recordFile(kind: string, size: SizeName): string {
  return join(projectRoot, 'data', 'bench', `analytics-${kind}-${size}.json`);
}

export function readLoadRecord(kind: string, size: SizeName): LoadRecord | null {
  const file = recordFile(kind, size);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LoadRecord) : null;
}

/** Loads the demo of `size` unless it is there; returns the merchant and the load record. */
export async function ensureDataset(target: { kind: 'postgres' | 'pglite'; url: string | null; dataDir: string | null }, size: SizeName): Promise<{ merchantId: string; record: LoadRecord | null }> {
  // The load's own sessions commit asynchronously: a crash of the loader loses its last
  // transactions, which a load that is not resumable loses anyway; the rules run the same.
  const url = target.url ? withOption(target.url, 'synchronous_commit=off') : undefined;
  const database = await openDatabase({ databaseUrl: url, dataDir: target.dataDir ?? 'memory://', databasePoolSize: 16 });
  try {
    await migrate(database.db);
    let last = performance.now();
    const started = performance.now();
    let merchantId = '';
    const save = (record: LoadRecord) => {
      mkdirSync(join(projectRoot, 'data', 'bench'), { recursive: true });
      writeFileSync(recordFile(target.kind, size), JSON.stringify(record, null, 2));
    };
    const result = await runDemo(database.db, {
      size,
      merchantName: `麦香里烘焙（${size}）`,
      publicUrl: 'http://localhost:3000',
      // Measured on 2 cores (claims and sales per second): 1 → 121, 3 → 205, 6 → 193, 12 → ~100;
      // more people at once only wait on each other's locks (an offer's stock row, say).
      concurrency: database.kind === 'pglite' ? 1 : 3,
      databaseKind: database.kind,
      onStart: (_days, id) => (merchantId = id),
      onDay: async (day, date, c) => {
        if (day % 7 === 6 || performance.now() - last > 60_000) {
          save({ size, merchantId, seconds: (performance.now() - started) / 1000, days: day + 1, complete: false, counts: { ...c }, refusals: {}, finishedAt: new Date().toISOString() });
          last = performance.now();
          progress(`load ${size}: day ${day + 1} (${date}): ${c.clicks} clicks, ${c.events} events, ${c.claims} coupons, ${c.orders} orders`);
        }
      },
    });
    if (database.kind === 'postgres') await sql`ANALYZE`.execute(database.db);
    if (!result.created) {
      progress(`load ${size}: already loaded (${result.existing?.orders} orders${result.existing?.complete ? '' : ', INCOMPLETE'})`);
      return { merchantId: result.merchantId, record: readLoadRecord(target.kind, size) };
    }
    const record: LoadRecord = { size, merchantId: result.merchantId, seconds: result.seconds, days: 365, complete: true, counts: result.counts!, refusals: result.refusals, finishedAt: new Date().toISOString() };
    save(record);
    progress(`load ${size}: done in ${result.seconds.toFixed(0)} s: ${JSON.stringify(result.counts)}`);
    return { merchantId: result.merchantId, record };
  } finally {
    await database.close();
  }
}

// `tsx bench/analytics-load.ts <postgres-url | pglite-folder> <size>`: load without measuring.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [where, size] = process.argv.slice(2) as [string, SizeName];
  const pgUrl = where.startsWith('postgres') ? where : null;
  await ensureDataset({ kind: pgUrl ? 'postgres' : 'pglite', url: pgUrl, dataDir: pgUrl ? null : where }, size);
}

/** A connection string with a server setting for its sessions (libpq's `options`). */
export function withOption(url: string, setting: string): string {
  const u = new URL(url);
  const options = [u.searchParams.get('options'), `-c ${setting}`].filter(Boolean).join(' ');
  u.searchParams.set('options', options);
  return u.toString();
}
