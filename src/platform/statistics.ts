import { sql } from 'kysely';
import type { Db } from './db.js';
import { startPeriodic, type Periodic } from './periodic.js';

/**
 * Planner statistics where nothing else keeps them: PGlite has no autovacuum, and a PostgreSQL
 * server may run with it off. Without statistics the planner guesses every table holds a few
 * rows, and probes that should touch one row walk a merchant's whole table instead (measured on
 * the demo loader: the last-touch lookup for a sale went from 0.2 ms to 28 ms at 40,000 members,
 * growing with every customer).
 *
 * The rule is autovacuum's in spirit, measured in pages so that it needs no statistics
 * collector (PGlite's flushes its counters rarely): a table is analysed again when it has grown
 * by a fifth since its last ANALYZE, or holds more than a few pages and was never analysed.
 */

export interface StatisticsPass {
  /** Tables analysed in this pass. */
  analysed: string[];
  /** Nothing to do: PostgreSQL's own autovacuum is on. */
  skipped: boolean;
}

const GROWTH = 1.2;
const MIN_PAGES = 8;

export async function keepStatistics(db: Db, kind: 'pglite' | 'postgres'): Promise<StatisticsPass> {
  if (kind === 'postgres') {
    const { rows } = await sql<{ on: boolean }>`SELECT current_setting('autovacuum') = 'on' AS on`.execute(db);
    if (rows[0]?.on) return { analysed: [], skipped: true };
  }
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r'
       AND pg_relation_size(c.oid) / current_setting('block_size')::int > GREATEST(c.relpages, 0) * ${sql.lit(GROWTH)} + ${sql.lit(MIN_PAGES)}
     ORDER BY c.relname`.execute(db);
  for (const { name } of rows) await sql`ANALYZE ${sql.table(name)}`.execute(db);
  return { analysed: rows.map((r) => r.name), skipped: false };
}

/** Runs keepStatistics every `seconds` (0: never), one pass at a time; failures are logged. */
export function startStatisticsTimer(db: Db, kind: 'pglite' | 'postgres', seconds: number, log: { warn(fields: object, message: string): void }): Periodic {
  return startPeriodic(seconds, () => keepStatistics(db, kind), (error) => log.warn({ err: error }, 'refreshing planner statistics failed; the next pass retries'));
}
