import { createHash } from 'node:crypto';
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Tx } from '../platform/db.js';
import type { IdentityKind, MemberIdentitiesTable, MemberMergesTable, MembersTable } from '../platform/schema.js';
import type { IdentityKey } from './identities.js';
import type { KnownMember, Merge } from './plan.js';

/** All SQL of members: identities, stitching, merges, profiles and tags. */

export type MemberRow = Selectable<MembersTable>;
export type IdentityRow = Selectable<MemberIdentitiesTable>;
export type MergeRow = Selectable<MemberMergesTable>;

/** Advisory locks of identity keys live in their own class so other domains' locks never collide. */
const IDENTITY_LOCK_CLASS = 0x4d42; // "MB"

/** A 32-bit lock number for an identity of a merchant. A collision only makes two keys wait for each other. */
export function identityLockId(merchantId: string, key: IdentityKey): number {
  return createHash('sha256').update(`${merchantId}\u0000${key.kind}\u0000${key.value}`).digest().readInt32BE(0);
}

/**
 * Takes the transaction-scoped locks of these identities, in ascending order so that two
 * transactions that need overlapping keys never wait for each other in a circle. Whoever holds
 * an identity's lock decides which member it belongs to.
 */
export async function lockIdentityKeys(merchantId: string, tx: Tx, keys: IdentityKey[]): Promise<void> {
  const ids = [...new Set(keys.map((key) => identityLockId(merchantId, key)))].sort((a, b) => a - b);
  if (ids.length === 0) return;
  // Volatile functions in the select list run after the ORDER BY, so the locks are taken in order.
  await sql`SELECT pg_advisory_xact_lock(${IDENTITY_LOCK_CLASS}::int, k) FROM unnest(${ids}::int[]) WITH ORDINALITY AS t(k, n) ORDER BY n`.execute(tx);
}

/**
 * The same locks as lockIdentityKeys for the anonymous identities (visitor ids) a query
 * yields, numbered by the database with identityLockId's formula (the first four bytes of the
 * SHA-256, big-endian, signed), so that the hundreds of visitors of a click flush are neither
 * hashed nor sent one by one from the server's thread.
 */
export async function lockAnonymousIdentities(merchantId: string, tx: Tx, visitorIds: RawBuilder<{ visitor_id: string }>): Promise<void> {
  await sql`
    SELECT pg_advisory_xact_lock(${IDENTITY_LOCK_CLASS}::int, k)
      FROM (SELECT DISTINCT ('x' || encode(substr(sha256(
              convert_to(${merchantId}, 'UTF8') || '\\x00'::bytea || convert_to('anonymous', 'UTF8') || '\\x00'::bytea || convert_to(v.visitor_id, 'UTF8')
            ), 1, 4), 'hex'))::bit(32)::int AS k
              FROM (${visitorIds}) v) t
     ORDER BY k`.execute(tx);
}

export interface OwnerRow {
  kind: IdentityKind;
  value: string;
  member_id: string;
  merged_into: string | null;
  created_at: Date;
}

// The lookups below probe primary keys one value at a time through LATERAL subqueries with
// LIMIT, which the planner cannot flatten into a join. Written as `= ANY(…)` or as a plain
// join, they are planned from the tables' statistics, and while those are young (a new or
// fast-growing merchant) the planner believes a merchant has a handful of rows and scans all
// of them: a cost that grows with every member and event.

/** Who holds each of these identities (no row is locked). */
export async function findIdentityOwners(merchantId: string, tx: Tx, keys: IdentityKey[]): Promise<OwnerRow[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<OwnerRow>`
    SELECT i.kind, i.value, i.member_id, m.merged_into, m.created_at
      FROM unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.value)}::text[]) AS k(kind, value)
      CROSS JOIN LATERAL (
        SELECT kind, value, member_id FROM member_identities
         WHERE merchant_id = ${merchantId} AND kind = k.kind AND value = k.value LIMIT 1) i
      CROSS JOIN LATERAL (
        SELECT merged_into, created_at FROM members
         WHERE merchant_id = ${merchantId} AND member_id = i.member_id LIMIT 1) m`.execute(tx);
  return rows;
}

type MemberState = Pick<MemberRow, 'member_id' | 'merged_into' | 'created_at'>;

/**
 * Locks these members, one after the other in id order (two callers never lock two members in
 * opposite orders), and returns their current state.
 */
async function lockMembersInOrder(merchantId: string, tx: Tx, memberIds: string[], mode: 'update' | 'key share'): Promise<MemberState[]> {
  const ids = [...new Set(memberIds)].sort();
  if (ids.length === 0) return [];
  const lock = mode === 'update' ? sql`FOR UPDATE` : sql`FOR KEY SHARE`;
  const { rows } = await sql<MemberState>`
    SELECT m.member_id, m.merged_into, m.created_at
      FROM unnest(${ids}::text[]) WITH ORDINALITY AS k(member_id, n)
      CROSS JOIN LATERAL (
        SELECT member_id, merged_into, created_at FROM members
         WHERE merchant_id = ${merchantId} AND member_id = k.member_id LIMIT 1 ${lock}) m
     ORDER BY k.n`.execute(tx);
  return rows;
}

/**
 * Locks these members against being merged away (a merge locks them for update) and says
 * whether all of them are still live. Key share does not block ordinary updates of the row.
 */
export async function keyShareLiveMembers(merchantId: string, tx: Tx, memberIds: string[]): Promise<boolean> {
  const rows = await lockMembersInOrder(merchantId, tx, memberIds, 'key share');
  return rows.length === new Set(memberIds).size && rows.every((r) => r.merged_into === null);
}

/** Members by id, locked for update in id order. */
export async function lockMembers(merchantId: string, tx: Tx, memberIds: string[]): Promise<MemberState[]> {
  return lockMembersInOrder(merchantId, tx, memberIds, 'update');
}

export async function insertMembers(merchantId: string, tx: Tx, members: KnownMember[]): Promise<void> {
  if (members.length === 0) return;
  await tx
    .insertInto('members')
    .values(members.map((m) => ({ merchant_id: merchantId, member_id: m.memberId, traits: '{}', consent: '{}', tags: sql<string[]>`'{}'`, created_at: m.createdAt, updated_at: m.createdAt })))
    .execute();
}

/**
 * Files identities under members. An identity someone else filed meanwhile is left alone
 * (ON CONFLICT, the backstop behind the advisory locks); the caller learns how many went in.
 */
export async function insertIdentities(merchantId: string, tx: Tx, rows: (IdentityKey & { memberId: string })[], seenAt: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await tx
    .insertInto('member_identities')
    .values(rows.map((r) => ({ merchant_id: merchantId, kind: r.kind, value: r.value, member_id: r.memberId, first_seen_at: seenAt })))
    .onConflict((oc) => oc.columns(['merchant_id', 'kind', 'value']).doNothing())
    .returning('value')
    .execute();
  return inserted.length;
}

/**
 * Moves everything of `mergedId` to `survivorId` and records why. Traits and consent of the
 * survivor win where both have a value; tags are united; the first touch is the earlier of
 * the two, the last touch the later. The merged member keeps its row, pointing at the survivor.
 */
export async function applyMerge(merchantId: string, tx: Tx, merge: Merge & { mergeId: string }): Promise<void> {
  const { survivorId, mergedId } = merge;
  await tx.updateTable('member_identities').set({ member_id: survivorId }).where('merchant_id', '=', merchantId).where('member_id', '=', mergedId).execute();
  await tx.updateTable('events').set({ member_id: survivorId }).where('merchant_id', '=', merchantId).where('member_id', '=', mergedId).execute();
  // Members merged into the loser earlier now point straight at the survivor: one hop always suffices.
  await sql`
    UPDATE members SET merged_into = ${survivorId}, updated_at = now()
     WHERE merchant_id = ${merchantId}
       AND member_id IN (SELECT merged_id FROM member_merges WHERE merchant_id = ${merchantId} AND survivor_id = ${mergedId})`.execute(tx);
  await sql`
    UPDATE members s SET
      traits = l.traits || s.traits,
      consent = l.consent || s.consent,
      tags = ARRAY(SELECT DISTINCT t FROM unnest(s.tags || l.tags) AS t ORDER BY t),
      name = COALESCE(s.name, l.name),
      first_touch_click_id = CASE WHEN l.first_touch_at IS NOT NULL AND (s.first_touch_at IS NULL OR l.first_touch_at < s.first_touch_at)
                                  THEN l.first_touch_click_id ELSE s.first_touch_click_id END,
      first_touch_at = LEAST(s.first_touch_at, l.first_touch_at),
      last_touch_click_id = CASE WHEN l.last_touch_at IS NOT NULL AND (s.last_touch_at IS NULL OR l.last_touch_at > s.last_touch_at)
                                 THEN l.last_touch_click_id ELSE s.last_touch_click_id END,
      last_touch_at = GREATEST(s.last_touch_at, l.last_touch_at),
      updated_at = now()
      FROM members l
     WHERE s.merchant_id = ${merchantId} AND s.member_id = ${survivorId}
       AND l.merchant_id = ${merchantId} AND l.member_id = ${mergedId}`.execute(tx);
  await tx
    .updateTable('members')
    .set({ merged_into: survivorId, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', mergedId)
    .execute();
  await tx
    .insertInto('member_merges')
    .values({ merchant_id: merchantId, merge_id: merge.mergeId, survivor_id: survivorId, merged_id: mergedId, reason: merge.reason.slice(0, 1000), actor: merge.actor })
    .execute();
}

/** Merges traits into members (new values win) and sets the name when the traits carry one. */
export async function mergeTraits(merchantId: string, tx: Tx, traits: Map<string, Record<string, unknown>>): Promise<void> {
  if (traits.size === 0) return;
  const rows = [...traits].map(([memberId, t]) => ({ member_id: memberId, traits: t, name: nameFromTraits(t) }));
  await sql`
    UPDATE members m SET traits = m.traits || t.traits, name = COALESCE(t.name, m.name), updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS t(member_id text, traits jsonb, name text)
     WHERE m.merchant_id = ${merchantId} AND m.member_id = t.member_id`.execute(tx);
}

/** Segment's reserved traits: `name`, or `firstName` and `lastName`. */
export function nameFromTraits(traits: Record<string, unknown>): string | null {
  if (typeof traits.name === 'string' && traits.name.trim()) return traits.name.trim().slice(0, 200);
  const parts = [traits.firstName, traits.lastName].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length > 0 ? parts.map((p) => p.trim()).join(' ').slice(0, 200) : null;
}

/** Which of these values are known as a userId or as an anonymousId (alias's previousId may be either). */
export async function findIdKinds(merchantId: string, tx: Tx, values: string[]): Promise<{ kind: IdentityKind; value: string }[]> {
  if (values.length === 0) return [];
  return tx
    .selectFrom('member_identities')
    .select(['kind', 'value'])
    .where('merchant_id', '=', merchantId)
    .where('kind', 'in', ['user', 'anonymous'])
    .where('value', 'in', values)
    .execute();
}

// --- profiles ------------------------------------------------------------------------------

export async function findMember(merchantId: string, tx: Tx, memberId: string): Promise<MemberRow | undefined> {
  return tx.selectFrom('members').selectAll().where('merchant_id', '=', merchantId).where('member_id', '=', memberId).executeTakeFirst();
}

/** Live members holding any of these identities. */
export async function findMembersByIdentities(merchantId: string, tx: Tx, keys: IdentityKey[], limit: number): Promise<MemberRow[]> {
  if (keys.length === 0) return [];
  const kinds = keys.map((k) => k.kind);
  const values = keys.map((k) => k.value);
  const { rows } = await sql<MemberRow>`
    SELECT DISTINCT m.* FROM member_identities i
      JOIN members m ON m.merchant_id = i.merchant_id AND m.member_id = i.member_id
     WHERE i.merchant_id = ${merchantId}
       AND (i.kind, i.value) IN (SELECT * FROM unnest(${kinds}::text[], ${values}::text[]))
       AND m.merged_into IS NULL
     ORDER BY m.created_at DESC
     LIMIT ${limit}`.execute(tx);
  return rows;
}

/** Live members whose name contains `text` (case-insensitive). */
export async function findMembersByName(merchantId: string, tx: Tx, text: string, limit: number): Promise<MemberRow[]> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return tx
    .selectFrom('members')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('merged_into', 'is', null)
    .where('name', 'ilike', pattern)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function listRecentMembers(merchantId: string, tx: Tx, limit: number): Promise<MemberRow[]> {
  return tx
    .selectFrom('members')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('merged_into', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('member_id', 'desc')
    .limit(limit)
    .execute();
}

export async function identitiesOf(merchantId: string, tx: Tx, memberIds: string[]): Promise<IdentityRow[]> {
  if (memberIds.length === 0) return [];
  return tx
    .selectFrom('member_identities')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('member_id', 'in', memberIds)
    .orderBy('first_seen_at')
    .orderBy('kind')
    .orderBy('value')
    .execute();
}

/** Every member merged into `memberId`, directly or through earlier merges. */
export async function mergesInto(merchantId: string, tx: Tx, memberId: string): Promise<MergeRow[]> {
  const { rows } = await sql<MergeRow>`
    WITH RECURSIVE chain AS (
      SELECT * FROM member_merges WHERE merchant_id = ${merchantId} AND survivor_id = ${memberId}
      UNION
      SELECT mm.* FROM member_merges mm JOIN chain c ON mm.merchant_id = c.merchant_id AND mm.survivor_id = c.merged_id
    )
    SELECT * FROM chain ORDER BY created_at DESC, merge_id DESC`.execute(tx);
  return rows;
}

export interface TouchRow {
  click_id: string;
  occurred_at: Date;
  is_scan: boolean;
  link_id: string;
  slug: string | null;
  campaign: string | null;
  channel_id: string;
  channel_name: string | null;
}

/** Clicks with their link and channel, by click id. */
export async function clicksWithLinks(merchantId: string, tx: Tx, clickIds: string[]): Promise<TouchRow[]> {
  if (clickIds.length === 0) return [];
  return tx
    .selectFrom('clicks as c')
    .leftJoin('links as l', (j) => j.onRef('l.merchant_id', '=', 'c.merchant_id').onRef('l.link_id', '=', 'c.link_id'))
    .leftJoin('channels as ch', (j) => j.onRef('ch.merchant_id', '=', 'c.merchant_id').onRef('ch.channel_id', '=', 'c.channel_id'))
    .select(['c.click_id', 'c.occurred_at', 'c.is_scan', 'c.link_id', 'l.slug', 'l.campaign', 'c.channel_id', 'ch.name as channel_name'])
    .where('c.merchant_id', '=', merchantId)
    .where('c.click_id', 'in', clickIds)
    .execute();
}

/** The newest clicks of these visitors, with link and channel. */
export async function recentClicks(merchantId: string, tx: Tx, visitorIds: string[], limit: number): Promise<(TouchRow & { referrer: string | null })[]> {
  if (visitorIds.length === 0) return [];
  return tx
    .selectFrom('clicks as c')
    .leftJoin('links as l', (j) => j.onRef('l.merchant_id', '=', 'c.merchant_id').onRef('l.link_id', '=', 'c.link_id'))
    .leftJoin('channels as ch', (j) => j.onRef('ch.merchant_id', '=', 'c.merchant_id').onRef('ch.channel_id', '=', 'c.channel_id'))
    .select(['c.click_id', 'c.occurred_at', 'c.is_scan', 'c.link_id', 'l.slug', 'l.campaign', 'c.channel_id', 'ch.name as channel_name', 'c.referrer'])
    .where('c.merchant_id', '=', merchantId)
    .where('c.visitor_id', 'in', visitorIds)
    .orderBy('c.occurred_at', 'desc')
    .orderBy('c.click_id', 'desc')
    .limit(limit)
    .execute();
}

export async function recentEvents(merchantId: string, tx: Tx, memberId: string, limit: number) {
  return tx
    .selectFrom('events')
    .select(['event_id', 'message_id', 'type', 'name', 'properties', 'traits', 'occurred_at'])
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .orderBy('occurred_at', 'desc')
    .orderBy('event_id', 'desc')
    .limit(limit)
    .execute();
}

export async function setTags(merchantId: string, tx: Tx, memberId: string, change: { add: string } | { remove: string }): Promise<string[] | undefined> {
  const tags = 'add' in change
    ? sql<string[]>`ARRAY(SELECT DISTINCT t FROM unnest(array_append(tags, ${change.add}::text)) AS t ORDER BY t)`
    : sql<string[]>`array_remove(tags, ${change.remove}::text)`;
  const row = await tx
    .updateTable('members')
    .set({ tags, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .where('merged_into', 'is', null)
    .returning('tags')
    .executeTakeFirst();
  return row?.tags;
}

/** The newest coupons claimed by these members (the survivor and those merged into it). */
export async function recentClaims(merchantId: string, tx: Tx, memberIds: string[], limit: number) {
  if (memberIds.length === 0) return [];
  return tx
    .selectFrom('coupons')
    .select(['coupon_id', 'offer_id', 'claimed_at'])
    .where('merchant_id', '=', merchantId)
    .where('member_id', 'in', memberIds)
    .orderBy('claimed_at', 'desc')
    .limit(limit)
    .execute();
}

/** The newest store visits (redemptions and orders) of these members. */
export async function recentVisits(merchantId: string, tx: Tx, memberIds: string[], limit: number) {
  if (memberIds.length === 0) return [];
  return tx
    .selectFrom('store_visits')
    .select(['visit_id', 'store_id', 'occurred_at', 'source', 'source_id'])
    .where('merchant_id', '=', merchantId)
    .where('member_id', 'in', memberIds)
    .orderBy('occurred_at', 'desc')
    .limit(limit)
    .execute();
}
