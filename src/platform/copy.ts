import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Tx } from './db.js';

/**
 * COPY … FROM STDIN inside a Kysely transaction, on both databases.
 *
 * Kysely has no COPY, and the transaction's connection is not ours to reach. So a COPY travels
 * as an ordinary query whose text starts with COPY_MARK and whose one parameter is the data;
 * the connection underneath recognises the mark: on PostgreSQL the pg client streams the data
 * with pg-copy-streams (withCopyIn), on PGlite the worker hands it over as '/dev/blob'.
 *
 * Measured (docs/benchmarks.md): rows COPYed into a staging table and moved with one
 * INSERT … SELECT cost about a third of an INSERT … SELECT from a JSON parameter.
 */

export const COPY_MARK = '/* reservoir:copy-in */ ';

/** Runs `COPY <target> FROM STDIN` with `text` (COPY text format) as its input. */
export async function copyIn(tx: Tx, target: string, text: string): Promise<void> {
  await tx.executeQuery(CompiledQuery.raw(`${COPY_MARK}COPY ${target} FROM STDIN`, [text]));
}

/** One row in COPY's text format: tab-separated, `\N` for NULL, backslash escapes. */
export function copyRow(values: readonly (string | null)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += '\t';
    const value = values[i];
    line += value === null || value === undefined ? '\\N' : escapeCopy(value);
  }
  return `${line}\n`;
}

const SPECIAL = /[\\\t\n\r]/;

function escapeCopy(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}

const PATCHED = Symbol('reservoir.copyIn');
type PgQuery = (text: string, params?: unknown[]) => Promise<pg.QueryResult>;

/**
 * Teaches a pooled pg client the marked COPY (once per client): the data parameter is streamed
 * as the COPY's input, and the result looks like any other statement's to Kysely.
 */
export function withCopyIn(client: pg.PoolClient): pg.PoolClient {
  const patched = client as pg.PoolClient & { [PATCHED]?: true };
  if (patched[PATCHED]) return client;
  const query = client.query.bind(client) as unknown as PgQuery;
  const intercept = (text: unknown, params?: unknown[]) => {
    if (typeof text !== 'string' || !text.startsWith(COPY_MARK)) return (query as (...args: unknown[]) => unknown)(text, params);
    return new Promise<pg.QueryResult>((resolve, reject) => {
      const stream = client.query(copyFrom(text.slice(COPY_MARK.length)));
      stream.on('error', reject);
      stream.on('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [], oid: 0, fields: [] }));
      stream.end(String(params?.[0] ?? ''));
    });
  };
  (client as unknown as { query: unknown }).query = intercept;
  patched[PATCHED] = true;
  return client;
}
