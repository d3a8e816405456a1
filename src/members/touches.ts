import { sql } from 'kysely';
import type { Tx } from '../platform/db.js';
import { lockAnonymousIdentities } from './queries.js';

export interface TouchClick {
  clickId: string;
  visitorId: string;
  occurredAt: Date;
}

/**
 * A click as a line of text: its id, visitor id and time (epoch milliseconds), tab-separated.
 * Clicks travel to the database as one text parameter of such lines, which SQL splits (see
 * insertClicks); a line may carry more fields after these three.
 */
export function touchLine(c: TouchClick): string {
  return `${c.clickId}\t${c.visitorId}\t${c.occurredAt.getTime()}`;
}

/**
 * After clicks are stored (in the same transaction): move the first and last touch of the
 * members those visitors already belong to. First touch only ever moves earlier and last touch
 * only later, so batches may arrive in any order.
 */
export async function applyClickTouches(merchantId: string, tx: Tx, clicks: TouchClick[]): Promise<void> {
  await applyTouchesOfLines(merchantId, tx, clicks.map((c) => `${touchLine(c)}\n`).join(''));
}

/** applyClickTouches for clicks as lines (touchLine's fields first), each ending in a newline. */
export async function applyTouchesOfLines(merchantId: string, tx: Tx, lines: string): Promise<void> {
  if (lines === '') return;
  const parsed = sql`
    SELECT f[1] AS click_id, f[2] AS visitor_id, to_timestamp(f[3]::float8 / 1000) AS occurred_at
      FROM unnest(string_to_array(rtrim(${lines}, E'\n'), E'\n')) AS line, string_to_array(line, E'\t') AS f`;
  // The visitors' identity locks order this against stitching: a visitor joining a member at the
  // same moment either is seen here, or sees these clicks when it recomputes the member's touches.
  await lockAnonymousIdentities(merchantId, tx, sql`SELECT visitor_id FROM (${parsed}) c`);
  await sql`
    WITH c AS (${parsed}), per_member AS (
      SELECT i.member_id,
             (array_agg(c.click_id ORDER BY c.occurred_at, c.click_id))[1] AS first_id, min(c.occurred_at) AS first_at,
             (array_agg(c.click_id ORDER BY c.occurred_at DESC, c.click_id DESC))[1] AS last_id, max(c.occurred_at) AS last_at
        FROM c
        -- A primary-key probe per click (lateral with LIMIT: young statistics cannot make it a scan).
        CROSS JOIN LATERAL (
          SELECT member_id FROM member_identities
           WHERE merchant_id = ${merchantId} AND kind = 'anonymous' AND value = c.visitor_id LIMIT 1) i
       GROUP BY i.member_id
    )
    ${moveTouchesOutwards(merchantId)}`.execute(tx);
}

/**
 * When anonymous identities join members (a new visitor id, or a merge), their clicks may be
 * older or newer than the touches the member has: recompute first and last touch from the
 * clicks of all the members' visitor ids. Like applyClickTouches, touches only move outwards.
 */
export async function recomputeTouches(merchantId: string, tx: Tx, memberIds: string[]): Promise<void> {
  if (memberIds.length === 0) return;
  // Per member, per visitor id, the first and the last click: index probes (lateral, with
  // LIMIT, so young statistics cannot turn them into scans of the merchant's clicks).
  await sql`
    WITH ends AS (
      SELECT k.member_id, f.click_id AS first_id, f.occurred_at AS first_at, l.click_id AS last_id, l.occurred_at AS last_at
        FROM unnest(${memberIds}::text[]) AS k(member_id)
        CROSS JOIN LATERAL (
          SELECT value FROM member_identities
           WHERE merchant_id = ${merchantId} AND member_id = k.member_id AND kind = 'anonymous' OFFSET 0) i
        CROSS JOIN LATERAL (
          SELECT click_id, occurred_at FROM clicks WHERE merchant_id = ${merchantId} AND visitor_id = i.value
           ORDER BY occurred_at, click_id LIMIT 1) f
        CROSS JOIN LATERAL (
          SELECT click_id, occurred_at FROM clicks WHERE merchant_id = ${merchantId} AND visitor_id = i.value
           ORDER BY occurred_at DESC, click_id DESC LIMIT 1) l
    ), per_member AS (
      SELECT member_id,
             (array_agg(first_id ORDER BY first_at, first_id))[1] AS first_id, min(first_at) AS first_at,
             (array_agg(last_id ORDER BY last_at DESC, last_id DESC))[1] AS last_id, max(last_at) AS last_at
        FROM ends GROUP BY member_id
    )
    ${moveTouchesOutwards(merchantId)}`.execute(tx);
}

/**
 * The last step of both: given a `per_member` CTE of candidate first and last clicks, move each
 * member's first touch earlier and last touch later, never the other way.
 */
function moveTouchesOutwards(merchantId: string) {
  return sql`
    UPDATE members m SET
      first_touch_click_id = CASE WHEN m.first_touch_at IS NULL OR p.first_at < m.first_touch_at THEN p.first_id ELSE m.first_touch_click_id END,
      first_touch_at = LEAST(m.first_touch_at, p.first_at),
      last_touch_click_id = CASE WHEN m.last_touch_at IS NULL OR p.last_at >= m.last_touch_at THEN p.last_id ELSE m.last_touch_click_id END,
      last_touch_at = GREATEST(m.last_touch_at, p.last_at),
      updated_at = now()
      FROM per_member p
     WHERE m.merchant_id = ${merchantId} AND m.member_id = p.member_id`;
}

/** The merchant's attribution window in days (PRODUCT.md: default 30, set per merchant). */
export async function attributionWindowDays(merchantId: string, tx: Tx): Promise<number> {
  const row = await tx.selectFrom('merchants').select('attribution_window_days').where('merchant_id', '=', merchantId).executeTakeFirst();
  return row?.attribution_window_days ?? 30;
}

export interface LastTouch {
  clickId: string;
  linkId: string;
  channelId: string;
  occurredAt: Date;
  isScan: boolean;
}

/**
 * The tap a conversion at `at` is attributed to: the member's most recent click within the
 * merchant's attribution window before `at`, or null, which means `direct`. Callers store the
 * answer on the conversion when it happens (attribution is never recomputed silently). A
 * merged member id is read as its survivor.
 */
export async function lastTouchWithin(merchantId: string, tx: Tx, memberId: string, at: Date): Promise<LastTouch | null> {
  const days = await attributionWindowDays(merchantId, tx);
  const since = new Date(at.getTime() - days * 24 * 60 * 60 * 1000);
  // Driven from the member: the survivor computed once (an InitPlan, so a plain parameter to
  // the index), its visitor ids by the member index, then each visitor's latest click in the
  // window by the visitor index. Under row-level security a join on COALESCE(…) could not be
  // used as an index condition, and the lookup walked all the merchant's visitor ids (28 ms at
  // 40,000 members, growing).
  const { rows } = await sql<{ click_id: string; link_id: string; channel_id: string; occurred_at: Date; is_scan: boolean }>`
    WITH person AS MATERIALIZED (
      SELECT COALESCE(merged_into, member_id) AS member_id FROM members WHERE merchant_id = ${merchantId} AND member_id = ${memberId}
    )
    SELECT c.click_id, c.link_id, c.channel_id, c.occurred_at, c.is_scan
      FROM member_identities i
      CROSS JOIN LATERAL (
        SELECT click_id, link_id, channel_id, occurred_at, is_scan FROM clicks
         WHERE merchant_id = ${merchantId} AND visitor_id = i.value AND occurred_at <= ${at} AND occurred_at > ${since}
         ORDER BY occurred_at DESC, click_id DESC LIMIT 1) c
     WHERE i.merchant_id = ${merchantId} AND i.member_id = (SELECT member_id FROM person) AND i.kind = 'anonymous'
     ORDER BY c.occurred_at DESC, c.click_id DESC
     LIMIT 1`.execute(tx);
  const row = rows[0];
  return row ? { clickId: row.click_id, linkId: row.link_id, channelId: row.channel_id, occurredAt: row.occurred_at, isScan: row.is_scan } : null;
}
