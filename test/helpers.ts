import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { createMerchantWithOwner } from '../src/merchants/service.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import { inDirectory, inTenant, migrate, openDatabase, type DatabaseHandle, type Tx } from '../src/platform/db.js';
import type { Database } from '../src/platform/schema.js';
import type { App, Logging } from '../src/platform/http.js';

/**
 * Every HTTP test runs against a real database: PGlite in memory by default, or a fresh
 * PostgreSQL database per test file when DATABASE_URL is set (`npm test` runs both in CI).
 * On PostgreSQL the app always connects as a role that is not a superuser, so row-level
 * security applies exactly as in production.
 */
export const onPostgres = Boolean(process.env.DATABASE_URL);
const APP_ROLE = 'reservoir_test_app';

export interface TestDatabase {
  handle: DatabaseHandle;
  /** The URL the app connects with (PostgreSQL only). */
  url: string | null;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const handle = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://', databasePoolSize: 1 });
    await migrate(handle.db);
    return { handle, url: null, drop: () => handle.close() };
  }
  const name = `rsv_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const url = new URL(baseUrl);
  try {
    const { rows } = await admin.query<{ rolsuper: boolean }>('select rolsuper from pg_roles where rolname = current_user');
    if (rows[0]?.rolsuper) {
      // Connected as a superuser: make (once) an ordinary role for the app to use.
      await admin.query(`CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS`).catch((error: { code?: string }) => {
        if (error.code !== '42710' && error.code !== '23505') throw error;
      });
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 OWNER ${APP_ROLE}`);
      url.username = APP_ROLE;
      url.password = '';
    } else {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
    }
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://', databasePoolSize: 10 });
  await migrate(handle.db);
  return {
    handle,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      try {
        // pool.end() resolves before its connections are gone. Forcing the drop while one is
        // still closing kills it, and the pool reports that as an 'error' nobody listens to.
        for (let i = 0; i < 100; i++) {
          const { rows } = await cleanup.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (rows[0]?.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', RESERVOIR_DATA_DIR: 'memory://', ...overrides });
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function createTestApp(options: { config?: Record<string, string>; logging?: Logging } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const { app } = await buildApp(testConfig(options.config), { database: database.handle, migrate: false, ...(options.logging ? { logging: options.logging } : {}) });
  await app.ready();
  return {
    app,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

export const PASSWORD = 'correct horse battery';

export interface SignedInOwner {
  merchantId: string;
  staffId: string;
  email: string;
  cookie: string;
}

let counter = 0;

/** A new merchant with its owner, signed in through the API. */
export async function newMerchant(t: TestApp, name = 'Test Bakery'): Promise<SignedInOwner> {
  const email = `owner${++counter}.${randomBytes(3).toString('hex')}@example.com`;
  const { merchant, owner } = await createMerchantWithOwner(t.database.handle.db, {
    merchantName: name,
    ownerName: 'Owner',
    ownerEmail: email,
    ownerPassword: PASSWORD,
  });
  const cookie = await signIn(t, email, PASSWORD);
  return { merchantId: merchant.id, staffId: owner.id, email, cookie };
}

/** Signs in and returns the Cookie header value. */
export async function signIn(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'rsv_session');
  if (!cookie) throw new Error('no session cookie');
  return `rsv_session=${cookie.value}`;
}

/** Adds a staff member through the API and signs them in. */
export async function newStaff(
  t: TestApp,
  owner: SignedInOwner,
  role: 'owner' | 'manager' | 'clerk',
  storeIds: string[] = [],
): Promise<{ staffId: string; email: string; cookie: string }> {
  const email = `${role}${++counter}.${randomBytes(3).toString('hex')}@example.com`;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/staff',
    headers: { cookie: owner.cookie },
    payload: { email, name: role, role, password: PASSWORD, ...(storeIds.length ? { storeIds } : {}) },
  });
  if (res.statusCode !== 201) throw new Error(`staff create failed: ${res.statusCode} ${res.body}`);
  return { staffId: res.json<{ id: string }>().id, email, cookie: await signIn(t, email) };
}

export async function newStore(t: TestApp, auth: { cookie: string }, name = 'Store'): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/stores', headers: { cookie: auth.cookie }, payload: { name } });
  if (res.statusCode !== 201) throw new Error(`store create failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>().id;
}

/** Row counts of every table, to assert that a rejected request wrote nothing. */
export async function tableCounts(t: TestApp): Promise<Record<string, number>> {
  const db = t.database.handle.db;
  const count = async (tx: Tx, table: keyof Database) => Number((await tx.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const merchants = await inDirectory(db, (tx) => tx.selectFrom('logins').select('merchant_id').distinct().execute());
  const counts: Record<string, number> = { logins: await inDirectory(db, (tx) => count(tx, 'logins')) };
  counts.link_slugs = await inDirectory(db, (tx) => count(tx, 'link_slugs'));
  // Tenant tables are counted merchant by merchant: row-level security shows nothing otherwise
  // (and PGlite, where it does not apply, would count every merchant's rows each time).
  const ofMerchant = async (tx: Tx, table: string, merchantId: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where merchant_id = ${merchantId}`.execute(tx)).rows[0]!.n;
  for (const table of ['merchants', 'stores', 'staff', 'sessions', 'api_keys', 'channels', 'channel_costs', 'links', 'clicks', 'members', 'member_identities', 'member_merges', 'events', 'outbox', 'store_visits', 'orders', 'order_items', 'order_coupons', 'order_refunds', 'idempotency_keys', 'offers', 'offer_slots', 'coupons', 'redemptions', 'otp_codes'] as const) {
    counts[table] = 0;
    for (const { merchant_id } of merchants) counts[table] += await inTenant(db, merchant_id, (tx) => ofMerchant(tx, table, merchant_id));
  }
  return counts;
}
