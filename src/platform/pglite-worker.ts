import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { WorkerReply, WorkerRequest } from './pglite-thread.js';

/*
 * The embedded database's own thread (see pglite-thread.ts): PGlite runs here, so a long
 * statement (a batch of clicks, a migration) never blocks the thread that answers HTTP.
 */

const INT8 = 20;
const { dataDir } = workerData as { dataDir: string | undefined };
const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread');

const pglite = new PGlite(dataDir, { parsers: { [INT8]: (value: string) => Number(value) } });

port.on('message', (request: WorkerRequest) => {
  void handle(request).then((reply) => port.postMessage(reply));
});

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  try {
    switch (request.op) {
      case 'ready':
        await pglite.waitReady;
        return { id: request.id, ok: true, rows: [], affectedRows: undefined };
      case 'exec': {
        const last = (await pglite.exec(request.sql, { rowMode: 'object' })).at(-1);
        return { id: request.id, ok: true, rows: last?.rows ?? [], affectedRows: last?.affectedRows ?? 0 };
      }
      case 'query': {
        const result = await pglite.query(request.sql, request.params, { rowMode: 'object' });
        return { id: request.id, ok: true, rows: result.rows, affectedRows: result.affectedRows };
      }
      case 'copy': {
        // PGlite reads COPY input from a blob it calls /dev/blob.
        const sql = request.sql.replace(/FROM\s+STDIN\s*$/i, "FROM '/dev/blob'");
        const result = await pglite.query(sql, [], { blob: new Blob([request.data]) });
        return { id: request.id, ok: true, rows: [], affectedRows: result.affectedRows };
      }
      case 'close':
        if (!pglite.closed) await pglite.close();
        return { id: request.id, ok: true, rows: [], affectedRows: undefined };
    }
  } catch (error) {
    return { id: request.id, ok: false, error: describe(error) };
  }
}

/** An error as plain data: a structured clone would drop PostgreSQL's fields (code, constraint…). */
function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: Record<string, unknown> = { message: error.message, name: error.name, stack: error.stack };
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function') continue;
    if (typeof value === 'object' && value !== null) continue; // e.g. the query's parameters
    fields[key] = value;
  }
  return fields;
}
