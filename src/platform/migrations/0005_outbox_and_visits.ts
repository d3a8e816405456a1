import { sql, type Kysely } from 'kysely';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * The outbox (every state change that leaves the database — webhooks, messages — is a row
 * written in the same transaction as the change) and store visits (a redemption or an order
 * at a store, the 到店 of the funnel). Landed migrations are never edited.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE outbox (
      merchant_id text NOT NULL,
      outbox_id text NOT NULL,
      event_type text NOT NULL CHECK (event_type ~ '^[a-z_]+\\.[a-z_]+$'),
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      PRIMARY KEY (merchant_id, outbox_id)
    );
    CREATE INDEX outbox_pending ON outbox (merchant_id, outbox_id) WHERE delivered_at IS NULL;

    CREATE TABLE store_visits (
      merchant_id text NOT NULL,
      visit_id text NOT NULL,
      member_id text,
      store_id text NOT NULL,
      occurred_at timestamptz NOT NULL,
      source text NOT NULL CHECK (source IN ('redemption', 'order')),
      source_id text NOT NULL,
      PRIMARY KEY (merchant_id, visit_id),
      UNIQUE (merchant_id, source, source_id),
      FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, store_id)
    );
    CREATE INDEX store_visits_member ON store_visits (merchant_id, member_id, occurred_at);
    CREATE INDEX store_visits_store ON store_visits (merchant_id, store_id, occurred_at);
  `.execute(db);
  for (const table of ['outbox', 'store_visits']) await enableTenantIsolation(db, table);
}
