import { parseArgs } from 'node:util';
import { progress, type DbKind } from './lib.js';

/** `npm run bench [-- --only redirect,ingest,analytics] [--db pglite,postgres] [--size large|medium|small]` */
const benches: Record<string, () => Promise<{ run(dbs: DbKind[], options: { size?: string }): Promise<void> }>> = {
  redirect: () => import('./redirect.js'),
  ingest: () => import('./ingest.js'),
  // The demo dataset (--size, default large on PostgreSQL): see bench/analytics.ts.
  analytics: () => import('./analytics.js'),
  // No database: sizes of the web build. `npm run bench -- --only bundles` for just this.
  bundles: async () => ({ run: async () => (await import('./bundles.js')).run() }),
};

const { values } = parseArgs({ options: { only: { type: 'string' }, db: { type: 'string' }, size: { type: 'string' } } });
const names = values.only ? values.only.split(',') : Object.keys(benches);
const pgAvailable = Boolean(process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL);
const dbs = (values.db ? values.db.split(',') : pgAvailable ? ['postgres', 'pglite'] : ['pglite']) as DbKind[];

for (const name of names) {
  const load = benches[name];
  if (!load) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
  progress(`${name}: starting on ${dbs.join(', ')}`);
  await (await load()).run(dbs, values.size ? { size: values.size } : {});
  progress(`${name}: done, written to docs/benchmarks.md`);
}
