import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, projectRoot } from '../src/app.js';
import { openDatabase } from '../src/platform/db.js';
import { createTestDatabase, testConfig, type TestDatabase } from './helpers.js';

/** The CLI against a real database: a PGlite data folder, or a fresh PostgreSQL database. */
let dataDir: string;
let database: TestDatabase | null = null;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'reservoir-cli-'));
  if (process.env.DATABASE_URL) {
    database = await createTestDatabase();
    await database.handle.close();
  }
  env = { ...(process.env as Record<string, string>), RESERVOIR_DATA_DIR: dataDir, DATABASE_URL: database?.url ?? '', LOG_LEVEL: 'silent' };
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (database) {
    database.handle = await openDatabase({ databaseUrl: database.url!, dataDir, databasePoolSize: 1 });
    await database.drop();
  }
});

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli.ts'), ...args], { env, encoding: 'utf8', timeout: 200_000, input: '' });
}

// Each case spawns the CLI (tsx start-up + a PGlite data folder): slow on a loaded 2-core machine.
describe('reservoir CLI', { timeout: 240_000 }, () => {
  it('prints help for every command', () => {
    const help = cli('--help');
    for (const command of ['serve', 'migrate', 'create-merchant', 'create-key']) expect(help.stdout).toContain(command);
    expect(cli('create-merchant', '--help').stdout).toContain('--owner-email');
    expect(cli('create-key', '--help').stdout).toContain('--kind');
  });

  it('migrates, creates a merchant non-interactively, and a key that then works', async () => {
    expect(cli('migrate').stdout).toMatch(/Applied: 0001_foundation|up to date/);
    const created = cli('create-merchant', '--name', 'CLI Bakery', '--owner-name', 'Wang', '--owner-email', 'wang@example.com', '--owner-password', 'long enough pw');
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/Created merchant CLI Bakery \(mer_[0-9A-Z]{26}\) with owner wang@example.com/);

    const key = cli('create-key', '--kind', 'secret', '--role', 'owner', '--name', 'ops');
    const token = /(sk_[0-9A-Z]{26}_\S{43})/.exec(key.stdout)?.[1];
    expect(token, key.stdout + key.stderr).toBeDefined();

    const handle = await openDatabase(testConfig({ RESERVOIR_DATA_DIR: dataDir, DATABASE_URL: env.DATABASE_URL! }));
    const { app } = await buildApp(testConfig(), { database: handle, migrate: false });
    try {
      const me = await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
      expect(me.json()).toMatchObject({ merchant: { name: 'CLI Bakery' }, role: 'owner', via: 'secret_key' });
      const signIn = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: 'wang@example.com', password: 'long enough pw' } });
      expect(signIn.statusCode).toBe(200);
    } finally {
      await app.close();
      await handle.close();
    }
  });

  it('without a terminal, says which flags are missing or wrong and exits 1', () => {
    const missing = cli('create-merchant', '--name', 'X');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Missing --owner-name');
    const bad = cli('create-merchant', '--name', 'X', '--owner-name', 'Y', '--owner-email', 'not-an-email', '--owner-password', 'short');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('ownerEmail');
    expect(bad.stderr).toContain('ownerPassword');
    const taken = cli('create-merchant', '--name', 'X', '--owner-name', 'Y', '--owner-email', 'wang@example.com', '--owner-password', 'long enough pw');
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('email_taken');
  });
});
