import { mkdirSync } from 'node:fs';
import { Kysely, Migrator, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from './config.js';
import { withCopyIn } from './copy.js';
import { isSerializationFailure } from './errors.js';
import { migrationProvider } from './migrations/index.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteThread } from './pglite-thread.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
/** A transaction in which `reservoir.merchant_id` is set: the only way tenant tables are read. */
export type Tx = Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** A human-readable place: the data folder, or the PostgreSQL host/database (no password). */
  location: string;
  close(): Promise<void>;
}

const INT8 = 20;

/** Opens PGlite in the data folder, or PostgreSQL when DATABASE_URL is set. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      // Counts and cents fit in a double long before they reach 2^53.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection that PostgreSQL drops (restart, idle timeout, failover) is reported on
    // the pool; unhandled, that event would end the process and lose the click buffer. The pool
    // discards the client and opens a new one on the next query, so it is only worth a warning.
    pool.on('error', (error: Error & { code?: string }) => {
      process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), msg: 'idle database connection lost', code: error.code ?? null })}\n`);
    });
    const url = new URL(config.databaseUrl);
    // Kysely takes any pool with connect/end: this one hands out clients that know the marked COPY (copy.ts).
    const copyingPool = { connect: async () => withCopyIn(await pool.connect()), end: () => pool.end() };
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: copyingPool }) });
    // A Unix socket is named by the `host` parameter (postgres://user@localhost/db?host=/var/run/postgresql).
    const socket = url.searchParams.get('host');
    const location = socket?.startsWith('/') ? `${socket}${url.pathname}` : `${url.hostname}:${url.port || 5432}${url.pathname}`;
    return { db, kind: 'postgres', location, close: () => db.destroy() };
  }

  const memory = config.dataDir.startsWith('memory://');
  if (!memory) mkdirSync(config.dataDir, { recursive: true });
  const pglite = new PGliteThread(memory ? undefined : config.dataDir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', location: memory ? 'in memory' : config.dataDir, close: () => db.destroy() };
}

/** Brings the schema up to date. Safe to run from several processes at once (Kysely takes a lock). */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableName: 'reservoir_migrations', migrationLockTableName: 'reservoir_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

const MAX_ATTEMPTS = 4;

/**
 * Runs `fn` in one transaction scoped to `merchantId`: the row-level security policies see
 * only that merchant's rows. Serialization failures and deadlocks are retried with jitter.
 */
export async function inTenant<T>(db: Db, merchantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRetry(() =>
    db.transaction().execute(async (tx) => {
      await sql`select set_config('reservoir.merchant_id', ${merchantId}, true)`.execute(tx);
      return fn(tx);
    }),
  );
}

/**
 * A transaction with no merchant set: tenant tables look empty in it (row-level security on
 * PostgreSQL). Only for the cross-tenant `logins` directory and set-up checks.
 */
export async function inDirectory<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRetry(() => db.transaction().execute(fn));
}

async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isSerializationFailure(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/** A role that is a superuser or may bypass row-level security defeats the second wall. */
export async function roleWarnings(handle: DatabaseHandle): Promise<string[]> {
  if (handle.kind !== 'postgres') return [];
  const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; current_user: string }>`
    select rolsuper, rolbypassrls, current_user from pg_roles where rolname = current_user`.execute(handle.db);
  const role = rows[0];
  if (!role) return [];
  if (role.rolsuper || role.rolbypassrls) {
    return [
      `The database role "${role.current_user}" is a superuser or bypasses row-level security, so the tenant ` +
        'isolation policies do not apply to it. Connect as an ordinary role (see docs/deploy.md).',
    ];
  }
  return [];
}
