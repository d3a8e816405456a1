import { sql, type Kysely } from 'kysely';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Merchants (the tenants), stores, staff, sessions and API keys.
 * Landed migrations are never edited; a change is a new numbered migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE merchants (
      merchant_id text PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      timezone text NOT NULL,
      default_region text NOT NULL CHECK (default_region ~ '^[A-Z]{2}$'),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      attribution_window_days integer NOT NULL DEFAULT 30 CHECK (attribution_window_days BETWEEN 1 AND 365),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE stores (
      merchant_id text NOT NULL REFERENCES merchants (merchant_id),
      store_id text NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      address text NOT NULL DEFAULT '',
      phone text,
      timezone text NOT NULL,
      opening_hours jsonb NOT NULL DEFAULT '{}',
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, store_id)
    );

    CREATE TABLE staff (
      merchant_id text NOT NULL REFERENCES merchants (merchant_id),
      staff_id text NOT NULL,
      email text NOT NULL,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('owner', 'manager', 'clerk')),
      store_ids text[] NOT NULL DEFAULT '{}',
      password_hash text NOT NULL,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, staff_id),
      UNIQUE (merchant_id, email)
    );

    -- Sign-in starts from an email address alone, before any merchant is known, so this
    -- directory is the one table read across tenants. It holds no secrets. On Citus it is a
    -- reference table.
    CREATE TABLE logins (
      email text PRIMARY KEY,
      merchant_id text NOT NULL,
      staff_id text NOT NULL
    );

    CREATE TABLE sessions (
      merchant_id text NOT NULL,
      session_id text NOT NULL,
      staff_id text NOT NULL,
      token_hash text NOT NULL,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, session_id),
      UNIQUE (merchant_id, token_hash),
      FOREIGN KEY (merchant_id, staff_id) REFERENCES staff (merchant_id, staff_id) ON DELETE CASCADE
    );
    CREATE INDEX sessions_staff ON sessions (merchant_id, staff_id);

    CREATE TABLE api_keys (
      merchant_id text NOT NULL REFERENCES merchants (merchant_id),
      key_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('publishable', 'secret')),
      role text CHECK (role IN ('owner', 'manager', 'clerk')),
      store_ids text[] NOT NULL DEFAULT '{}',
      name text NOT NULL,
      token_hash text NOT NULL,
      hint text NOT NULL,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      PRIMARY KEY (merchant_id, key_id),
      UNIQUE (merchant_id, token_hash),
      CHECK ((kind = 'secret') = (role IS NOT NULL))
    );
  `.execute(db);

  for (const table of ['merchants', 'stores', 'staff', 'sessions', 'api_keys']) {
    await enableTenantIsolation(db, table);
  }
}
