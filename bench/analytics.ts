import { sql } from 'kysely';
import pg from 'pg';
import { join } from 'node:path';
import { answerers } from '../src/analytics/answers.js';
import { naiveAnswerers } from '../src/analytics/naive.js';
import { refreshRollups } from '../src/analytics/refresh.js';
import { keepStatistics } from '../src/platform/statistics.js';
import type { AnalyticsQuery, Question } from '../src/analytics/schemas.js';
import { projectRoot } from '../src/app.js';
import { TIMEZONE } from '../src/demo/catalog.js';
import { addTraffic, dryRun } from '../src/demo/run.js';
import type { SizeName } from '../src/demo/simulate.js';
import type { SinkCounts } from '../src/demo/sink.js';
import { addDays, localDate } from '../src/offers/validity.js';
import { inTenant, migrate, openDatabase, type Db } from '../src/platform/db.js';
import { ensureDataset, withOption, type LoadRecord } from './analytics-load.js';
import { machine, percentile, progress, type DbKind } from './lib.js';
import { table, verdict, writeSection } from './report.js';

/**
 * The seven dashboard questions on the demo merchant: answered from the rollups (p50/p95 over
 * repeated runs) against the same question computed from raw rows (naive*), in the same run;
 * the time refreshRollups takes after a batch of about 100,000 new writes (clicks, events with
 * identifies, claims, sales); and the database size. Targets: p95 ≤ 500 ms, speed-up ≥ 50×.
 *
 * The dataset is the demo of `--size` (default large on PostgreSQL, small on PGlite), loaded
 * once into a database kept for benchmarking: BENCH_ANALYTICS_URL, or the `reservoir_bench`
 * database next to BENCH_DATABASE_URL / DATABASE_URL (created when missing); for PGlite
 * data/bench/analytics-pglite-<size>/.
 */

const RUNS = Number(process.env.BENCH_ANALYTICS_RUNS ?? 15);
const NAIVE_RUNS = Number(process.env.BENCH_ANALYTICS_NAIVE_RUNS ?? 1);
/** A naive answer that takes longer is stopped (PostgreSQL's statement_timeout) and counted as this long. */
const NAIVE_TIMEOUT_S = Number(process.env.BENCH_ANALYTICS_NAIVE_TIMEOUT_S ?? 180);
/**
 * The "batch of 100,000 new events": measured on the large demo, an arriving person
 * brings about 7.3 events among 9.8 writes (clicks, events, claims, sales; bounces included).
 */
const BURST_PERSONS = { postgres: Number(process.env.BENCH_ANALYTICS_BURST_PERSONS ?? 13_800), pglite: Number(process.env.BENCH_ANALYTICS_BURST_PERSONS ?? 1_380) };

interface Period {
  name: string;
  from: string;
  to: string;
}

function periods(today: string): Period[] {
  const yesterday = addDays(today, -1);
  // This quarter so far: from the first day of the quarter that holds yesterday.
  const month = Number(yesterday.slice(5, 7));
  const qFrom = `${yesterday.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
  return [
    { name: 'last 7 days', from: addDays(yesterday, -6), to: yesterday },
    { name: 'last 30 days', from: addDays(yesterday, -29), to: yesterday },
    { name: `quarter to date (${qFrom} …)`, from: qFrom, to: yesterday },
    { name: 'full year', from: addDays(today, -364), to: today },
  ];
}

/** What a dashboard asks of each question: its usual grouping, and one filtered view. */
function queriesOf(question: Question, period: Period, ids: { channelId: string; storeId: string }): AnalyticsQuery[] {
  const p = { from: period.from, to: period.to };
  switch (question) {
    case 'funnel':
      return [{ ...p, groupBy: 'channel' }, { ...p, groupBy: 'link', channelId: ids.channelId }];
    case 'store-visits':
      return [{ ...p, groupBy: 'offer' }, { ...p, groupBy: 'channel', storeId: ids.storeId }];
    case 'payment-mix':
      return [{ ...p, groupBy: 'store' }, { ...p, groupBy: 'none', channelId: ids.channelId }];
    case 'repeat':
      return [{ ...p, groupBy: 'channel' }, { ...p, groupBy: 'month', storeId: ids.storeId }];
    case 'retention':
      return [{ ...p, unit: period.name === 'full year' ? 'month' : 'week', groupBy: 'channel' }];
    case 'channel-roi':
      return [{ ...p, groupBy: 'channel' }, { ...p, groupBy: 'campaign' }];
    case 'stores':
      return [{ ...p }];
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

interface Row {
  question: Question;
  period: string;
  p50: number;
  p95: number;
  naive: number;
  naiveTimedOut: boolean;
  speedup: number;
}

async function measureQuestions(db: Db, naiveDb: Db, merchantId: string, today: string, ids: { channelId: string; storeId: string }): Promise<Row[]> {
  const rows: Row[] = [];
  for (const question of Object.keys(answerers) as Question[]) {
    for (const period of periods(today)) {
      const queries = queriesOf(question, period, ids);
      const fast: number[] = [];
      const mainView: number[] = [];
      // Warm-up, then every view of the question RUNS times, interleaved as a dashboard would.
      for (const q of queries) await answerers[question](db, merchantId, q);
      for (let i = 0; i < RUNS; i++) {
        for (const [v, q] of queries.entries()) {
          const t = await timed(() => answerers[question](db, merchantId, q));
          fast.push(t);
          if (v === 0) mainView.push(t);
        }
      }
      // Naive: the question's main view (the first), against the rollups' answer to that view.
      // On the large dataset one naive run takes seconds to minutes; past the timeout it counts
      // as the timeout, and the speed-up as "at least".
      const slow: number[] = [];
      let timedOut = false;
      for (let i = 0; i < NAIVE_RUNS; i++) {
        const started = performance.now();
        try {
          await (naiveAnswerers[question] as (db: Db, m: string, q: AnalyticsQuery) => Promise<unknown>)(naiveDb, merchantId, queries[0]!);
          slow.push(performance.now() - started);
        } catch (error) {
          if ((error as { code?: string }).code !== '57014') throw error;
          timedOut = true;
          slow.push(NAIVE_TIMEOUT_S * 1000);
        }
      }
      fast.sort((a, b) => a - b);
      mainView.sort((a, b) => a - b);
      slow.sort((a, b) => a - b);
      const naive = percentile(slow, 50);
      const row = { question, period: period.name, p50: percentile(fast, 50), p95: percentile(fast, 95), naive, naiveTimedOut: timedOut, speedup: naive / percentile(mainView, 50) };
      progress(`analytics: ${question} ${period.name}: p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms, naive ${timedOut ? '≥ ' : ''}${row.naive.toFixed(0)} ms (${row.speedup.toFixed(0)}×)`);
      rows.push(row);
    }
  }
  return rows;
}

interface Facts {
  events: number;
  clicks: number;
  members: number;
  liveMembers: number;
  coupons: number;
  orders: number;
  visits: number;
  dbBytes: number;
  tables: { name: string; bytes: number }[];
  firstDay: string | null;
  lastDay: string | null;
}

async function facts(db: Db, merchantId: string, kind: DbKind): Promise<Facts> {
  return inTenant(db, merchantId, async (tx) => {
    const { rows } = await sql<Omit<Facts, 'dbBytes' | 'tables'>>`
      SELECT (SELECT count(*)::int FROM events WHERE merchant_id = ${merchantId}) AS events,
             (SELECT count(*)::int FROM clicks WHERE merchant_id = ${merchantId}) AS clicks,
             (SELECT count(*)::int FROM members WHERE merchant_id = ${merchantId}) AS members,
             (SELECT count(*)::int FROM members WHERE merchant_id = ${merchantId} AND merged_into IS NULL) AS "liveMembers",
             (SELECT count(*)::int FROM coupons WHERE merchant_id = ${merchantId}) AS coupons,
             (SELECT count(*)::int FROM orders WHERE merchant_id = ${merchantId}) AS orders,
             (SELECT count(*)::int FROM store_visits WHERE merchant_id = ${merchantId}) AS visits,
             (SELECT to_char(min(occurred_at) AT TIME ZONE ${TIMEZONE}, 'YYYY-MM-DD') FROM orders WHERE merchant_id = ${merchantId}) AS "firstDay",
             (SELECT to_char(max(occurred_at) AT TIME ZONE ${TIMEZONE}, 'YYYY-MM-DD') FROM orders WHERE merchant_id = ${merchantId}) AS "lastDay"`.execute(tx);
    const size = await sql<{ bytes: number }>`SELECT pg_database_size(current_database())::bigint AS bytes`.execute(tx);
    // Sizes of the tables with their indexes and TOAST, largest first.
    const tables = await sql<{ name: string; bytes: number }>`
      SELECT c.relname AS name, pg_total_relation_size(c.oid)::bigint AS bytes
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
       ORDER BY 2 DESC LIMIT ${kind === 'postgres' ? 16 : 12}`.execute(tx);
    return { ...rows[0]!, dbBytes: Number(size.rows[0]!.bytes), tables: tables.rows.map((t) => ({ name: t.name, bytes: Number(t.bytes) })) };
  });
}

async function idsOf(db: Db, merchantId: string): Promise<{ channelId: string; storeId: string }> {
  return inTenant(db, merchantId, async (tx) => {
    const channel = await tx.selectFrom('channels').select('channel_id').where('merchant_id', '=', merchantId).where('kind', '=', 'social').executeTakeFirstOrThrow();
    const store = await tx.selectFrom('stores').select('store_id').where('merchant_id', '=', merchantId).orderBy('store_id').executeTakeFirstOrThrow();
    return { channelId: channel.channel_id, storeId: store.store_id };
  });
}

async function benchDatabaseUrl(): Promise<string> {
  if (process.env.BENCH_ANALYTICS_URL) return process.env.BENCH_ANALYTICS_URL;
  const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!base) throw new Error('Set BENCH_ANALYTICS_URL, BENCH_DATABASE_URL or DATABASE_URL to benchmark PostgreSQL.');
  const url = new URL(base);
  url.pathname = '/reservoir_bench';
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', ['reservoir_bench']);
    if (rows.length === 0) {
      await admin.query('CREATE DATABASE reservoir_bench TEMPLATE template0');
      // A bulk load of a benchmark dataset: losing the last commits in a crash is acceptable.
      await admin.query('ALTER DATABASE reservoir_bench SET synchronous_commit = off');
    }
  } finally {
    await admin.end();
  }
  return url.toString();
}

interface Measured {
  kind: DbKind;
  size: SizeName;
  record: LoadRecord | null;
  before: Facts;
  after: Facts;
  initialRefreshMs: number;
  rows: Row[];
  burst: { writes: number; counts: SinkCounts; loadSeconds: number; refreshMs: number; dirtyRows: number };
  shareLoaded: number | null;
  /** Row-level security was not forced on the owner (a diagnostic run, said in the report). */
  rlsLifted: boolean;
  anchor: string;
}

async function measure(kind: DbKind, size: SizeName): Promise<Measured> {
  const url = kind === 'postgres' ? await benchDatabaseUrl() : null;
  const dataDir = kind === 'pglite' ? join(projectRoot, 'data', 'bench', `analytics-pglite-${size}`) : null;
  progress(`analytics: ${kind} ${size}: dataset`);
  const { merchantId, record } = await ensureDataset({ kind, url, dataDir }, size);
  const database = await openDatabase({ databaseUrl: url ?? undefined, dataDir: dataDir ?? 'memory://', databasePoolSize: 8 });
  try {
    const db = database.db;
    await migrate(db);
    // Fresh statistics first, as autovacuum would give a loaded database (it is off on some
    // servers, and PGlite has none): the refresh's plans depend on them.
    progress(`analytics: ${kind} ${size}: ANALYZE, then bringing rollups up to date after the load`);
    await sql`ANALYZE`.execute(db);
    const initialRefreshMs = await timed(() => refreshRollups(db, merchantId));
    // The refresh deleted every dirty key of the load: what serve's keeper (or autovacuum) does
    // next, vacuuming them away, so that later refreshes do not read dead rows.
    await keepStatistics(db, database.kind);
    await sql`ANALYZE`.execute(db);
    const before = await facts(db, merchantId, kind);
    const rlsLifted = kind === 'postgres' && (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'r' AND relrowsecurity AND NOT relforcerowsecurity`.execute(db)).rows[0]!.n > 0;
    // A load that stopped early ends before today: the periods end where its days end (new
    // traffic added by earlier runs of this benchmark lands on later days).
    const today = localDate(new Date(), TIMEZONE);
    const anchor = record && !record.complete && before.firstDay !== null ? addDays(before.firstDay, record.days) : today;
    // Naive answers on their own connections, each statement stopped after NAIVE_TIMEOUT_S.
    const naive = url ? await openDatabase({ databaseUrl: withOption(url, `statement_timeout=${NAIVE_TIMEOUT_S * 1000}`), dataDir: 'memory://', databasePoolSize: 2 }) : null;
    let rows: Row[];
    try {
      rows = await measureQuestions(db, naive?.db ?? db, merchantId, anchor, await idsOf(db, merchantId));
    } finally {
      await naive?.close();
    }

    progress(`analytics: ${kind} ${size}: a batch of new traffic (${BURST_PERSONS[kind]} people arriving)`);
    const started = performance.now();
    const counts = await addTraffic(db, merchantId, { persons: BURST_PERSONS[kind], seed: Date.now() % 1_000_000, concurrency: kind === 'pglite' ? 1 : 3 });
    const loadSeconds = (performance.now() - started) / 1000;
    const writes = writesOf(counts);
    let dirtyRows = 0;
    const refreshMs = await timed(async () => {
      dirtyRows = (await refreshRollups(db, merchantId)).dirtyRows;
    });
    progress(`analytics: ${kind} ${size}: ${writes} writes, refreshRollups ${refreshMs.toFixed(0)} ms (${dirtyRows} dirty rows)`);
    const after = await facts(db, merchantId, kind);
    const shareLoaded = record && !record.complete ? await shareOfYear(record.days) : null;
    return { kind, size, record, before, after, initialRefreshMs, rows, burst: { writes, counts, loadSeconds, refreshMs, dirtyRows }, shareLoaded, rlsLifted, anchor };
  } finally {
    await database.close();
  }
}

function writesOf(c: SinkCounts): number {
  return c.clicks + c.events + c.claims + c.counterRedemptions + c.orders + c.refunds + c.voids;
}

/** Share of the year's writes that fall in the first `days` days, from the simulation's plan at a size that plans quickly. */
async function shareOfYear(days: number): Promise<number> {
  let upTo = 0;
  const total = writesOf(await dryRun('medium', new Date(), (day, counts) => {
    if (day === days - 1) upTo = writesOf(counts);
  }));
  return upTo / total;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));

function section(m: Measured): string {
  const f = m.before;
  const r = m.record;
  const writes = r ? writesOf(r.counts) : 0;
  const load = !r
    ? 'Loaded earlier (load time not recorded).'
    : r.complete
      ? `Loaded by \`reservoir demo --size ${m.size}\`'s code path in ${(r.seconds / 60).toFixed(0)} min (${Math.round(writes / r.seconds)} writes/s: clicks, events, claims, redemptions and sales through the domain functions).`
      : `**The load was stopped after ${r.days} of 365 simulated days**, in ${(r.seconds / 60).toFixed(0)} min: ${Math.round(writes / r.seconds)} writes/s (clicks, events, claims, redemptions and sales through the domain functions, on a machine shared with other work). Those days hold ${(100 * (m.shareLoaded ?? 0)).toFixed(1)} % of the year's planned writes (the year grows and repeat customers pile up), so the whole year would take about **${((r.seconds / (m.shareLoaded ?? 1)) / 3600).toFixed(1)} h** at this rate. The numbers below are for the data loaded.`;
  // The speed-up target is set for the large dataset; on a small one raw rows are quick too.
  const bySpeed = m.size === 'large';
  const meets = (r: Row) => r.p95 <= 500 && (!bySpeed || r.speedup >= 50);
  const ok = m.rows.every(meets);
  return [
    `Dataset: one merchant, orders from ${f.firstDay} to ${f.lastDay}: ${f.events.toLocaleString('en')} events, ${f.clicks.toLocaleString('en')} clicks, ${f.members.toLocaleString('en')} members (${f.liveMembers.toLocaleString('en')} after merges), ${f.coupons.toLocaleString('en')} coupons, ${f.orders.toLocaleString('en')} orders, ${f.visits.toLocaleString('en')} store visits. ${load}`,
    ...(m.rlsLifted ? ['**Diagnostic run: FORCE ROW LEVEL SECURITY was lifted on this database**, so the benchmark (the tables\' owner) reads without the tenant policy; production connects under it.', ''] : []),
    `refreshRollups before the questions (after \`ANALYZE\`): ${(m.initialRefreshMs / 1000).toFixed(1)} s. The first run on a dataset builds every rollup; later runs only bring them up to date.`,
    '',
    `Periods end on ${addDays(m.anchor, -1)} (yesterday, or the last day of a stopped load); the full year is the 365 days up to ${m.anchor}. Each question in its dashboard views (e.g. funnel by channel and by link of one channel), ${RUNS} runs each after a warm-up; naive = the same answer computed from raw rows for the question's main view (the first), ${NAIVE_RUNS} run${NAIVE_RUNS === 1 ? '' : 's'} (median), stopped after ${NAIVE_TIMEOUT_S} s (then the speed-up is at least the one shown); speed-up = naive ÷ the rollups' p50 for that view. Target: p95 ≤ 500 ms${bySpeed ? ' and ≥ 50× faster than naive' : ' (the ≥ 50× speed-up target is for the large dataset: on this one the raw rows are few)'}.`,
    '',
    table(
      ['question', 'period', 'p50 ms', 'p95 ms', 'naive p50 ms', 'speed-up', 'verdict'],
      m.rows.map((r) => [r.question, r.period, ms(r.p50), ms(r.p95), `${r.naiveTimedOut ? '≥ ' : ''}${ms(r.naive)}`, `${r.naiveTimedOut ? '≥ ' : ''}${r.speedup.toFixed(0)}×`, verdict(meets(r))]),
    ),
    '',
    `Overall: ${verdict(ok)}.`,
    '',
    `New traffic: ${m.burst.writes.toLocaleString('en')} writes (${m.burst.counts.clicks} clicks, ${m.burst.counts.events} events incl. identifies, ${m.burst.counts.claims} claims, ${m.burst.counts.counterRedemptions} counter redemptions, ${m.burst.counts.orders} sales, ${m.burst.counts.refunds + m.burst.counts.voids} refunds/voids) written through the domain in ${m.burst.loadSeconds.toFixed(0)} s; then **refreshRollups took ${(m.burst.refreshMs / 1000).toFixed(2)} s** (${m.burst.dirtyRows.toLocaleString('en')} dirty keys).`,
    '',
    `Database size: ${mb(m.after.dbBytes)} (\`pg_database_size\`). Largest tables with indexes:`,
    '',
    table(['table', 'size'], m.after.tables.map((t) => [t.name, mb(t.bytes)])),
  ].join('\n');
}

export async function run(dbs: DbKind[], options: { size?: string } = {}): Promise<void> {
  for (const kind of dbs) {
    const size = (kind === 'postgres' ? (options.size ?? 'large') : options.size === 'large' ? 'small' : (options.size ?? 'small')) as SizeName;
    const measured = await measure(kind, size);
    const pgUrl = kind === 'postgres' ? await benchDatabaseUrl() : null;
    // One section per database, so each can be re-run on its own.
    writeSection(
      `analytics-${kind}`,
      [
        `## Analytics on ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}: the seven dashboard questions on a year of demo data`,
        '',
        `Run ${new Date().toISOString().slice(0, 10)} on ${await machine(pgUrl)}. \`npm run bench -- --only analytics --db ${kind} --size ${size}\`.`,
        '',
        section(measured),
      ].join('\n'),
    );
  }
}
