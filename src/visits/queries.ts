import type { Tx } from '../platform/db.js';
import { newId } from '../platform/ids.js';

/** All SQL of store visits. */

/**
 * A member came to a store: a coupon redeemed there or an order placed there. One visit per
 * source (redemption or order id): recording the same source twice is a no-op.
 */
export async function recordStoreVisit(
  merchantId: string,
  tx: Tx,
  visit: { memberId: string | null; storeId: string; occurredAt: Date; source: 'redemption' | 'order'; sourceId: string },
): Promise<void> {
  await tx
    .insertInto('store_visits')
    .values({
      merchant_id: merchantId,
      visit_id: newId('visit'),
      member_id: visit.memberId,
      store_id: visit.storeId,
      occurred_at: visit.occurredAt,
      source: visit.source,
      source_id: visit.sourceId,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'source', 'source_id']).doNothing())
    .execute();
}

/** Removes the visit a source recorded (an undone redemption, a voided order). */
export async function deleteStoreVisit(merchantId: string, tx: Tx, source: 'redemption' | 'order', sourceId: string): Promise<void> {
  await tx.deleteFrom('store_visits').where('merchant_id', '=', merchantId).where('source', '=', source).where('source_id', '=', sourceId).execute();
}
