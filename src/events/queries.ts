import { sql } from 'kysely';
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
 * Stores events in one set-based statement: the whole batch travels as one JSON parameter
 * (no limit on bound parameters, no per-row round trip). A messageId stored meanwhile by a
 * concurrent request is skipped. Returns the messageIds that went in.
 */
export async function insertEvents(merchantId: string, tx: Tx, events: (IncomingEvent & { memberId: string })[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows = events.map((e) => ({
    event_id: e.eventId,
    message_id: e.messageId,
    type: e.type,
    name: e.name,
    user_id: e.userId,
    anonymous_id: e.anonymousId,
    member_id: e.memberId,
    properties: e.properties,
    traits: e.traits,
    context: e.context,
    occurred_at: e.occurredAt.toISOString(),
  }));
  const { rows: inserted } = await sql<{ message_id: string }>`
    INSERT INTO events (merchant_id, event_id, message_id, type, name, user_id, anonymous_id, member_id, properties, traits, context, occurred_at)
    SELECT ${merchantId}, r.event_id, r.message_id, r.type, r.name, r.user_id, r.anonymous_id, r.member_id, r.properties, r.traits, r.context, r.occurred_at
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(
        event_id text, message_id text, type text, name text, user_id text, anonymous_id text, member_id text,
        properties jsonb, traits jsonb, context jsonb, occurred_at timestamptz)
    ON CONFLICT (merchant_id, message_id) DO NOTHING
    RETURNING message_id`.execute(tx);
  return new Set(inserted.map((r) => r.message_id));
}
