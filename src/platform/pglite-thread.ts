import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * PGlite is PostgreSQL compiled to WebAssembly: every statement runs on the thread that calls
 * it. In the server's own thread a batch of clicks (tens of milliseconds) would hold up every
 * redirect waiting behind it, so the embedded database lives in a worker thread and
 * statements travel to it as messages. Measured on the redirect benchmark (docs/benchmarks.md):
 * the flush stops showing in the redirect's p99.
 */

export type WorkerRequest =
  | { id: number; op: 'ready' | 'close' }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'query'; sql: string; params: unknown[] }
  | { id: number; op: 'copy'; sql: string; data: string };

export type WorkerReply =
  | { id: number; ok: true; rows: unknown[]; affectedRows: number | undefined }
  | { id: number; ok: false; error: Record<string, unknown> };

export interface EmbeddedResult<R> {
  rows: R[];
  affectedRows: number | undefined;
}

/** What the Kysely dialect needs of the embedded database. */
export interface EmbeddedDatabase {
  readonly waitReady: Promise<void>;
  readonly closed: boolean;
  /** Simple protocol: several statements at once, no parameters; the last one's result. */
  exec<R>(sql: string): Promise<EmbeddedResult<R>>;
  query<R>(sql: string, params: unknown[]): Promise<EmbeddedResult<R>>;
  /** `COPY … FROM STDIN` with `data` as its input. */
  copyIn(sql: string, data: string): Promise<void>;
  close(): Promise<void>;
}

export class PGliteThread implements EmbeddedDatabase {
  readonly waitReady: Promise<void>;
  #worker: Worker;
  #nextId = 1;
  #pending = new Map<number, { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }>();
  #closed = false;

  /** `dataDir` undefined: in memory. */
  constructor(dataDir: string | undefined) {
    this.#worker = spawnWorker(dataDir);
    this.#worker.unref();
    this.#worker.on('message', (reply: WorkerReply) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      waiting?.resolve(reply);
    });
    this.#worker.on('error', (error) => this.#failAll(error));
    this.#worker.on('exit', (code) => this.#failAll(new Error(`the embedded database thread stopped (exit code ${code})`)));
    this.waitReady = this.#send({ id: 0, op: 'ready' }).then(() => undefined);
  }

  get closed(): boolean {
    return this.#closed;
  }

  async exec<R>(sql: string): Promise<EmbeddedResult<R>> {
    return (await this.#send({ id: 0, op: 'exec', sql })) as EmbeddedResult<R>;
  }

  async query<R>(sql: string, params: unknown[]): Promise<EmbeddedResult<R>> {
    return (await this.#send({ id: 0, op: 'query', sql, params })) as EmbeddedResult<R>;
  }

  async copyIn(sql: string, data: string): Promise<void> {
    await this.#send({ id: 0, op: 'copy', sql, data });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#send({ id: 0, op: 'close' });
    } finally {
      this.#closed = true;
      await this.#worker.terminate();
    }
  }

  async #send(request: WorkerRequest): Promise<EmbeddedResult<unknown>> {
    if (this.#closed) throw new Error('the embedded database is closed');
    const id = this.#nextId++;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      // A statement under way keeps the process alive; an idle database thread does not.
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
    if (!reply.ok) throw rebuildError(reply.error);
    return { rows: reply.rows, affectedRows: reply.affectedRows };
  }

  #failAll(error: Error): void {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }
}

/** The database's error again, with its fields (code, constraint, detail…) where callers look. */
function rebuildError(fields: Record<string, unknown>): Error {
  const error = new Error(String(fields.message ?? 'database error'));
  Object.assign(error, fields);
  return error;
}

function spawnWorker(dataDir: string | undefined): Worker {
  const options = { workerData: { dataDir } };
  // Built (dist/…/pglite-thread.js): the worker is its compiled sibling.
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pglite-worker.js', import.meta.url), options);
  // From source (tests, `npm run dev`): the TypeScript sibling, through tsx's loader, which a
  // worker has to register itself.
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const file = new URL('./pglite-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(file)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
