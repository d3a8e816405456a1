import { sql } from 'kysely';
import type { Db } from './db.js';
import { startPeriodic, type Periodic } from './periodic.js';

/**
 * Planner statistics and dead-row cleanup where nothing else does them: PGlite has no
 * autovacuum, and a PostgreSQL server may run with it off.
 *
 * - Without statistics the planner guesses every table holds a few rows, and probes that should
 *   touch one row walk a merchant's whole table instead (measured on the demo loader: the
 *   last-touch lookup for a sale went from 0.2 ms to 28 ms at 40,000 members, growing with
 *   every customer). A table is analysed again when it has grown by a fifth since its last
 *   ANALYZE, or holds more than a few pages and was never analysed. This is measured in pages,
 *   so it holds even where the activity counters are late.
 * - Without VACUUM, deleted and updated rows are never reclaimed. The queue-like tables suffer
 *   most: every write adds dirty keys and outbox rows, and every refresh or relay deletes them.
 *   Measured on the large demo without autovacuum: `analytics_dirty` grew to 1.5 GB of dead rows,
 *   and each refresh chunk then read all of them. A table is vacuumed (and analysed) when its
 *   dead rows exceed autovacuum's default threshold: 50 + a fifth of its live rows.
 */

export interface StatisticsPass {
  /** Tables analysed in this pass (vacuumed ones included). */
  analysed: string[];
  /** Tables vacuumed in this pass. */
  vacuumed: string[];
  /** Nothing to do: PostgreSQL's own autovacuum is on. */
  skipped: boolean;
}

const GROWTH = 1.2;
const MIN_PAGES = 8;
const DEAD_THRESHOLD = 50;
const DEAD_SCALE = 0.2;

export async function keepStatistics(db: Db, kind: 'pglite' | 'postgres'): Promise<StatisticsPass> {
  if (kind === 'postgres') {
    const { rows } = await sql<{ on: boolean }>`SELECT current_setting('autovacuum') = 'on' AS on`.execute(db);
    if (rows[0]?.on) return { analysed: [], vacuumed: [], skipped: true };
  }
  // PGlite is one process that is rarely idle long enough to publish its activity counters;
  // ask it to publish them at the end of this statement, so that the next one reads them.
  await sql`SELECT pg_stat_force_next_flush()`.execute(db);
  const { rows } = await sql<{ name: string; dead: boolean }>`
    SELECT name, dead FROM (
      SELECT c.relname AS name,
             pg_relation_size(c.oid) / current_setting('block_size')::int > GREATEST(c.relpages, 0) * ${sql.lit(GROWTH)} + ${sql.lit(MIN_PAGES)} AS grown,
             coalesce(s.n_dead_tup > ${sql.lit(DEAD_THRESHOLD)} + ${sql.lit(DEAD_SCALE)} * s.n_live_tup, false) AS dead
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
       WHERE n.nspname = current_schema() AND c.relkind = 'r'
    ) t
     WHERE grown OR dead
     ORDER BY name`.execute(db);
  for (const { name, dead } of rows) {
    if (dead) await sql`VACUUM (ANALYZE) ${sql.table(name)}`.execute(db);
    else await sql`ANALYZE ${sql.table(name)}`.execute(db);
  }
  return { analysed: rows.map((r) => r.name), vacuumed: rows.filter((r) => r.dead).map((r) => r.name), skipped: false };
}

/** Runs keepStatistics every `seconds` (0: never), one pass at a time; failures are logged. */
export function startStatisticsTimer(db: Db, kind: 'pglite' | 'postgres', seconds: number, log: { warn(fields: object, message: string): void }): Periodic {
  return startPeriodic(seconds, () => keepStatistics(db, kind), (error) => log.warn({ err: error }, 'refreshing planner statistics or vacuuming failed; the next pass retries'));
}
