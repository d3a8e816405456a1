import { sql } from 'kysely';
import type { Tx } from '../platform/db.js';

export interface TouchClick {
  clickId: string;
  visitorId: string;
  occurredAt: Date;
}

/**
 * After clicks are stored (in the same transaction): move the first and last touch of the
 * members those visitors already belong to. First touch only ever moves earlier and last touch
 * only later, so batches may arrive in any order.
 */
export async function applyClickTouches(merchantId: string, tx: Tx, clicks: TouchClick[]): Promise<void> {
  if (clicks.length === 0) return;
  await sql`
    WITH c AS (
      SELECT * FROM unnest(${clicks.map((c) => c.clickId)}::text[], ${clicks.map((c) => c.visitorId)}::text[], ${clicks.map((c) => c.occurredAt.toISOString())}::timestamptz[])
        AS c(click_id, visitor_id, occurred_at)
    ), per_member AS (
      SELECT i.member_id,
             (array_agg(c.click_id ORDER BY c.occurred_at, c.click_id))[1] AS first_id, min(c.occurred_at) AS first_at,
             (array_agg(c.click_id ORDER BY c.occurred_at DESC, c.click_id DESC))[1] AS last_id, max(c.occurred_at) AS last_at
        FROM c
        JOIN member_identities i ON i.merchant_id = ${merchantId} AND i.kind = 'anonymous' AND i.value = c.visitor_id
       GROUP BY i.member_id
    )
    UPDATE members m SET
      first_touch_click_id = CASE WHEN m.first_touch_at IS NULL OR p.first_at < m.first_touch_at THEN p.first_id ELSE m.first_touch_click_id END,
      first_touch_at = LEAST(m.first_touch_at, p.first_at),
      last_touch_click_id = CASE WHEN m.last_touch_at IS NULL OR p.last_at >= m.last_touch_at THEN p.last_id ELSE m.last_touch_click_id END,
      last_touch_at = GREATEST(m.last_touch_at, p.last_at),
      updated_at = now()
      FROM per_member p
     WHERE m.merchant_id = ${merchantId} AND m.member_id = p.member_id`.execute(tx);
}
