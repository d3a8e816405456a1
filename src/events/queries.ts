import { sql } from 'kysely';
import { copyIn, copyRow } from '../platform/copy.js';
import type { Tx } from '../platform/db.js';
import type { IncomingEvent } from './validate.js';

/** All SQL of events. */

/**
 * Which of these message ids are already stored. One probe of the unique key per id: written
 * as a lateral lookup so that the planner cannot prefer scanning all of a merchant's events
 * (which it does for `= ANY(…)` while the table's statistics are young).
 */
export async function findStoredMessageIds(merchantId: string, tx: Tx, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const { rows } = await sql<{ message_id: string }>`
    SELECT e.message_id
      FROM unnest(${messageIds}::text[]) AS m(id)
      CROSS JOIN LATERAL (SELECT message_id FROM events WHERE merchant_id = ${merchantId} AND message_id = m.id LIMIT 1) e`.execute(tx);
  return new Set(rows.map((r) => r.message_id));
}

/**
 * Stores events set-based: COPYed into a session-local staging table, then moved into `events`
 * by one INSERT … SELECT, under the tenant policy (COPY itself is refused on a table with
 * row-level security). Returns the messageIds that went in. Call it once per transaction: the
 * stage is emptied when the transaction ends (ON COMMIT DELETE ROWS, a truncation of the
 * session's own file). Measured on PostgreSQL, 100-row transactions: emptying it with
 * `DELETE … RETURNING` in the same statement cost the database 65 µs a row in all, against 29 µs
 * this way and 24 µs for a raw COPY into `events` (the deleted rows also piled up in the
 * session's table, which nothing vacuums).
 *
 * A messageId already stored is left out (one index probe per row, in the same statement). One
 * that a concurrent request stores meanwhile makes this INSERT fail on the unique key once that
 * request commits; the transaction is then run again (inTenant retries SQLSTATE 40001) and
 * finds it stored. Measured: `ON CONFLICT DO NOTHING`, which would skip it instead, made the
 * INSERT a third slower for every batch to spare a race that needs a client to send one message
 * twice at the same moment.
 */
export async function insertEvents(merchantId: string, tx: Tx, events: IncomingEvent[], memberIds: string[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  let text = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    text += copyRow([
      e.eventId,
      e.messageId,
      e.type,
      e.name,
      e.userId,
      e.anonymousId,
      memberIds[i]!,
      JSON.stringify(e.properties),
      JSON.stringify(e.traits),
      JSON.stringify(e.context),
      e.occurredAt.toISOString(),
    ]);
  }
  await sql`
    CREATE TEMP TABLE IF NOT EXISTS events_stage (
      event_id text, message_id text, type text, name text, user_id text, anonymous_id text, member_id text,
      properties jsonb, traits jsonb, context jsonb, occurred_at timestamptz) ON COMMIT DELETE ROWS`.execute(tx);
  await copyIn(tx, 'events_stage (event_id, message_id, type, name, user_id, anonymous_id, member_id, properties, traits, context, occurred_at)', text);
  try {
    const { numAffectedRows } = await sql`
      INSERT INTO events (merchant_id, event_id, message_id, type, name, user_id, anonymous_id, member_id, properties, traits, context, occurred_at)
      SELECT ${merchantId}, event_id, message_id, type, name, user_id, anonymous_id, member_id, properties, traits, context, occurred_at
        FROM events_stage s
       -- OFFSET 0 keeps this a probe of the unique key per row: an anti-join could hash all
       -- of the merchant's events (the stage has no statistics, events may have young ones).
       WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.merchant_id = ${merchantId} AND e.message_id = s.message_id OFFSET 0)`.execute(tx);
    // Usually every one went in; only then is there no need to ask which (a row per event to
    // send back and parse). Otherwise the stage, still filled until the commit, tells.
    if (Number(numAffectedRows) === events.length) return new Set(events.map((e) => e.messageId));
    const { rows } = await sql<{ message_id: string }>`
      SELECT s.message_id FROM events_stage s
       WHERE EXISTS (SELECT 1 FROM events e WHERE e.merchant_id = ${merchantId} AND e.event_id = s.event_id OFFSET 0)`.execute(tx);
    return new Set(rows.map((r) => r.message_id));
  } catch (error) {
    if (isStoredMeanwhile(error)) throw new MessageStoredMeanwhile();
    throw error;
  }
}

/** A messageId was stored by a concurrent request after this one looked. Retried as a whole. */
class MessageStoredMeanwhile extends Error {
  readonly code = '40001';
  constructor() {
    super('a messageId was stored by a concurrent request while this one was being written');
  }
}

function isStoredMeanwhile(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === 'events_merchant_id_message_id_key';
}
