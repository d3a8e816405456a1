import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { copyIn, copyRow } from '../src/platform/copy.js';
import { openDatabase } from '../src/platform/db.js';
import { keepStatistics } from '../src/platform/statistics.js';
import { createTestDatabase, onPostgres } from './helpers.js';

describe.runIf(onPostgres)('PostgreSQL connection pool', () => {
  it('survives PostgreSQL dropping an idle connection and reconnects on the next query', async () => {
    const test = await createTestDatabase();
    await test.handle.close();
    const handle = await openDatabase({ databaseUrl: test.url!, dataDir: 'memory://', databasePoolSize: 1 });
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
      const killer = new pg.Client({ connectionString: test.url! });
      await killer.connect();
      await killer.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await killer.end();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
      expect(again.rows[0]!.pid).not.toBe(rows[0]!.pid);
    } finally {
      await handle.close();
      test.handle = await openDatabase({ databaseUrl: test.url!, dataDir: 'memory://', databasePoolSize: 1 });
      await test.drop();
    }
  });
});

describe.runIf(onPostgres)('PostgreSQL over its Unix socket', () => {
  it('connects with ?host=<socket folder>, names the socket as its location, and runs COPY through it', async () => {
    const test = await createTestDatabase();
    try {
      // Reading the setting needs a superuser (CI connects as one); Debian's folder otherwise.
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const dirs = await admin
        .query<{ dirs: string }>(`select current_setting('unix_socket_directories') as dirs`)
        .then((r) => r.rows[0]!.dirs, () => '/var/run/postgresql')
        .finally(() => admin.end());
      const folder = dirs.split(',')[0]!.trim();
      const url = new URL(test.url!);
      url.hostname = 'localhost';
      url.searchParams.set('host', folder);
      const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://', databasePoolSize: 1 });
      try {
        expect(handle.location).toBe(`${folder}${url.pathname}`);
        const over = await sql<{ socket: boolean }>`select inet_client_addr() is null as socket`.execute(handle.db);
        expect(over.rows[0]!.socket).toBe(true);
        const copied = await handle.db.transaction().execute(async (tx) => {
          await sql`create temp table socket_probe (note text) on commit drop`.execute(tx);
          await copyIn(tx, 'socket_probe (note)', copyRow(['über den Socket']) + copyRow([null]));
          return (await sql<{ n: number }>`select count(*)::int as n from socket_probe`.execute(tx)).rows[0]!.n;
        });
        expect(copied).toBe(2);
      } finally {
        await handle.close();
      }
    } finally {
      await test.drop();
    }
  });
});

describe('planner statistics and vacuum where no autovacuum keeps them', () => {
  it('analyses a table that grew by a fifth since its last ANALYZE, vacuums one whose dead rows pile up, and leaves it alone otherwise', async () => {
    const test = await createTestDatabase();
    const db = test.handle.db;
    try {
      const autovacuum = test.handle.kind === 'postgres' && (await sql<{ on: boolean }>`select current_setting('autovacuum') = 'on' as on`.execute(db)).rows[0]!.on;
      const pass = () => keepStatistics(db, test.handle.kind);
      if (autovacuum) {
        // PostgreSQL keeps them itself; nothing to do.
        expect(await pass()).toEqual({ analysed: [], vacuumed: [], skipped: true });
        return;
      }
      await sql`create table stats_probe (id int primary key, note text)`.execute(db);
      await sql`insert into stats_probe select g, repeat('x', 100) from generate_series(1, 2000) g`.execute(db);
      const reltuples = async () => (await sql<{ n: number }>`select reltuples::int as n from pg_class where relname = 'stats_probe'`.execute(db)).rows[0]!.n;
      expect(await reltuples()).toBeLessThanOrEqual(0);

      expect((await pass()).analysed).toContain('stats_probe');
      expect(await reltuples()).toBe(2000);
      // Nothing grew: nothing to do.
      expect((await pass()).analysed).not.toContain('stats_probe');
      // Grown by half: analysed again.
      await sql`insert into stats_probe select g, repeat('x', 100) from generate_series(2001, 3000) g`.execute(db);
      expect((await pass()).analysed).toContain('stats_probe');
      expect(await reltuples()).toBe(3000);

      // Two thirds deleted (as a refresh deletes the dirty keys it took): vacuumed, so that the
      // space is reused and scans no longer read the dead rows.
      const dead = async () => (await sql<{ n: number }>`select coalesce(n_dead_tup, 0)::int as n from pg_stat_user_tables where relname = 'stats_probe'`.execute(db)).rows[0]!.n;
      await db.transaction().execute(async (tx) => {
        await sql`delete from stats_probe where id > 1000`.execute(tx);
        // Publish this connection's activity counters when the transaction ends.
        await sql`select pg_stat_force_next_flush()`.execute(tx);
      });
      const vacuumPass = await pass();
      expect(vacuumPass.vacuumed).toEqual(['stats_probe']);
      expect(vacuumPass.analysed).toContain('stats_probe');
      expect(await reltuples()).toBe(1000);
      expect(await dead()).toBe(0);
      // Clean again: nothing to do.
      expect((await pass()).analysed).not.toContain('stats_probe');
    } finally {
      await test.drop();
    }
  });
});
