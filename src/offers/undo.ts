import { assertStoreAccess, type Principal } from '../auth/principal.js';
import { inTenant } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { writeOutbox } from '../platform/outbox.js';
import { deleteStoreVisit } from '../visits/queries.js';
import { toRedemption } from './present.js';
import { clearCouponRedemption, findCoupon, findRedemption, listRedemptions, markUndone } from './queries.js';
import type { CounterDeps } from './redeem.js';
import type { Redemption } from './schemas.js';

/** Redemptions after the fact: read them, and undo one within the window at its own store. */

/**
 * Undoes a redemption: the coupon can be redeemed again, the store visit is gone, and the
 * redemption row keeps when and by whom it was undone. Only the store where it happened, and
 * only within REDEMPTION_UNDO_MINUTES: a mistake at the till is fixed on the spot, not later.
 */
export async function undoRedemption(deps: CounterDeps, principal: Principal, redemptionId: string, storeId: string, now = new Date()): Promise<Redemption> {
  assertStoreAccess(principal, storeId);
  const { merchantId } = principal;
  const windowMs = deps.config.redemptionUndoMinutes * 60_000;
  return inTenant(deps.db, merchantId, async (tx) => {
    const redemption = await findRedemption(merchantId, tx, redemptionId, 'update');
    if (!redemption) throw new AppError('not_found');
    if (redemption.store_id !== storeId) throw new AppError('redemption_other_store');
    if (redemption.undone_at !== null) throw new AppError('redemption_already_undone');
    if (now.getTime() - redemption.redeemed_at.getTime() > windowMs) throw new AppError('undo_window_passed');

    const undone = await markUndone(merchantId, tx, redemptionId, { at: now, staffId: principal.staffId, keyId: principal.keyId });
    await clearCouponRedemption(merchantId, tx, redemption.coupon_id, redemptionId);
    await deleteStoreVisit(merchantId, tx, 'redemption', redemptionId);
    await writeOutbox(merchantId, tx, 'coupon.redemption_undone', {
      redemptionId,
      couponId: redemption.coupon_id,
      offerId: redemption.offer_id,
      memberId: redemption.member_id,
      storeId,
      undoneAt: now.toISOString(),
      staffId: principal.staffId,
      keyId: principal.keyId,
    });
    const coupon = await findCoupon(merchantId, tx, redemption.coupon_id);
    return toRedemption(undone, coupon!.terms, deps.config.redemptionUndoMinutes);
  });
}

export async function getRedemption(deps: CounterDeps, principal: Principal, redemptionId: string): Promise<Redemption> {
  const { merchantId } = principal;
  const found = await inTenant(deps.db, merchantId, async (tx) => {
    const redemption = await findRedemption(merchantId, tx, redemptionId);
    const coupon = redemption ? await findCoupon(merchantId, tx, redemption.coupon_id) : undefined;
    return redemption && coupon ? { redemption, terms: coupon.terms } : null;
  });
  if (!found) throw new AppError('not_found');
  assertStoreAccess(principal, found.redemption.store_id);
  return toRedemption(found.redemption, found.terms, deps.config.redemptionUndoMinutes);
}

export async function listStoreRedemptions(deps: CounterDeps, principal: Principal, storeId: string, limit: number): Promise<Redemption[]> {
  assertStoreAccess(principal, storeId);
  const { merchantId } = principal;
  return inTenant(deps.db, merchantId, async (tx) => {
    const rows = await listRedemptions(merchantId, tx, storeId, limit);
    const out: Redemption[] = [];
    for (const row of rows) {
      const coupon = await findCoupon(merchantId, tx, row.coupon_id);
      out.push(toRedemption(row, coupon!.terms, deps.config.redemptionUndoMinutes));
    }
    return out;
  });
}
