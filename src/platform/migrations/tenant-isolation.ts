import { sql, type Kysely } from 'kysely';

// Landed migrations call this: change it only by adding a new helper, never in place.

/**
 * Row-level security as a second wall behind the merchant_id in every query: a row is visible
 * only inside a transaction that has set `reservoir.merchant_id` to its merchant. With nothing
 * set, current_setting() is NULL or '' and no row matches. FORCE applies it to the table owner
 * too, which is the role the app connects as.
 */
export async function enableTenantIsolation(db: Kysely<unknown>, table: string): Promise<void> {
  await sql`
    ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY;
    ALTER TABLE ${sql.table(table)} FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (merchant_id = current_setting('reservoir.merchant_id', true))
      WITH CHECK (merchant_id = current_setting('reservoir.merchant_id', true));
  `.execute(db);
}
