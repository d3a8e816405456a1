import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db.js';
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
