import { sql, type Kysely } from 'kysely';

/**
 * No planner statistics on `merchant_id` in tables shared by merchants.
 *
 * With statistics, a merchant that signed up after the last ANALYZE is not in the column's
 * most-common-values list, so the planner reckons it owns no rows at all. Every index that starts
 * with merchant_id then looks equally cheap, and a unique-key probe (`merchant_id = $1 AND
 * message_id = $2`) may be planned as a walk over all of that merchant's rows in another index.
 * Measured on the demo loader: once the table had been analysed, the message-id dedup probe of a
 * new merchant went from 0.1 ms to 550 ms, growing with every batch.
 *
 * Without statistics the planner assumes the default share (0.5 % of the table) for any merchant:
 * never "none", so a full unique-key match always wins, and never "all", so nothing else changes
 * much. Only the merchants table (one row per merchant) keeps its statistics.
 *
 * A database analysed before this migration keeps its old numbers until a superuser deletes them
 * (docs/deploy.md); new databases never collect them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND c.column_name = 'merchant_id' AND t.table_type = 'BASE TABLE'
       AND c.table_name <> 'merchants'
     ORDER BY c.table_name`.execute(db);
  for (const { table_name } of rows) {
    await sql`ALTER TABLE ${sql.table(table_name)} ALTER COLUMN merchant_id SET STATISTICS 0`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_name = 'merchant_id' AND table_name <> 'merchants'`.execute(db);
  for (const { table_name } of rows) {
    await sql`ALTER TABLE ${sql.table(table_name)} ALTER COLUMN merchant_id SET STATISTICS -1`.execute(db);
  }
}
