import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem, type, release } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../src/app.js';

/** Shared pieces of the benchmarks: a fresh database, a server in its own process, progress. */

export type DbKind = 'pglite' | 'postgres';

export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface BenchDatabase {
  kind: DbKind;
  /** Environment for the server process. */
  env: Record<string, string>;
  url: string | null;
  dataDir: string | null;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database (from BENCH_DATABASE_URL or DATABASE_URL) or a fresh PGlite folder. */
export async function freshDatabase(kind: DbKind): Promise<BenchDatabase> {
  const name = `rsv_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  if (kind === 'pglite') {
    const dataDir = join(projectRoot, 'data', 'bench', name);
    return {
      kind,
      env: { RESERVOIR_DATA_DIR: dataDir, DATABASE_URL: '' },
      url: null,
      dataDir,
      drop: async () => {
        const { rm } = await import('node:fs/promises');
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!base) throw new Error('Set BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL role with CREATEDB to benchmark PostgreSQL.');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    kind,
    env: { DATABASE_URL: url.toString() },
    url: url.toString(),
    dataDir: null,
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `reservoir serve` (compiled, as in production) in its own process and waits until ready. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(projectRoot, 'bin/reservoir.js'), 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BENCH_ROUTES: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Creates the merchant on a fresh server and returns the owner's session cookie. */
export async function setUpMerchant(url: string): Promise<string> {
  const res = await fetch(`${url}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ merchantName: 'Bench Bakery', ownerName: 'Bench', ownerEmail: 'bench@example.com', ownerPassword: 'bench password 123' }),
  });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

export async function api<T>(url: string, cookie: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The machine, for the report. */
export async function machine(pgUrl: string | null): Promise<string> {
  const cpu = cpus();
  let pgVersion = 'not used';
  if (pgUrl) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    pgVersion = (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
    await client.end();
    // How the server is reached matters on a small machine: TCP on loopback costs more per round trip.
    const url = new URL(pgUrl);
    const socket = url.searchParams.get('host');
    pgVersion += socket?.startsWith('/') ? ` over its Unix socket` : ` over TCP (${url.hostname})`;
  }
  return [
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`,
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `${type()} ${release()}`,
    `Node.js ${process.version}`,
    `PostgreSQL ${pgVersion}`,
  ].join(', ');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
