import { normalizeCode } from '../offers/codes.js';
import { findCouponByCode, findRedemption } from '../offers/queries.js';
import { redeemInTransaction } from '../offers/redeem.js';
import type { Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { liveOrderOfRedemption } from './queries.js';

/**
 * Coupons used on a sale. A code not yet redeemed is redeemed by the order, in the order's
 * transaction, with the offers domain's own rules (single use, validity, store, minimum spend);
 * a code the clerk already redeemed at this store's counter shortly before is attached to the
 * order instead. Either way the order and its coupons commit or fail together.
 */

/** A coupon redeemed at the counter is attached to a sale rung up within this time of it. */
const ATTACH_WITHIN_MS = 24 * 60 * 60 * 1000;

export interface AppliedCoupon {
  couponId: string;
  redemptionId: string;
  offerId: string;
  /** Canonical code. */
  code: string;
  memberId: string;
  redeemedWithOrder: boolean;
}

export interface CouponUse {
  storeId: string;
  orderId: string;
  /** The purchase the minimum spend is checked against: the items before the discount. */
  amountCents: number;
  staffId: string | null;
  keyId: string | null;
  /** When the sale happened: validity is judged then. */
  at: Date;
}

export async function applyCoupons(merchantId: string, tx: Tx, codes: string[], use: CouponUse): Promise<AppliedCoupon[]> {
  const canonical = canonicalCodes(codes);
  const applied: AppliedCoupon[] = [];
  for (const [i, code] of canonical.entries()) {
    const path = `/body/couponCodes/${i}`;
    const coupon = code ? await findCouponByCode(merchantId, tx, code) : undefined;
    if (!code || !coupon) throw wrongCode(path);
    applied.push(
      coupon.redemption_id === null
        ? await redeem(merchantId, tx, code, use, path)
        : await attach(merchantId, tx, { code, couponId: coupon.coupon_id, redemptionId: coupon.redemption_id }, use, path),
    );
  }
  return applied;
}

/** The one answer for a code that does not exist, is mistyped, or is another merchant's. */
export function wrongCode(path: string): AppError {
  return new AppError('invalid_coupon_code', undefined, [{ path, problem: 'is not a coupon code of this merchant' }]);
}

function canonicalCodes(codes: string[]): (string | null)[] {
  const canonical = codes.map((raw) => normalizeCode(raw));
  const seen = new Set<string>();
  canonical.forEach((code, i) => {
    if (code === null) return;
    if (seen.has(code)) throw new AppError('validation_failed', undefined, [{ path: `/body/couponCodes/${i}`, problem: 'is the same coupon as an earlier code' }]);
    seen.add(code);
  });
  return canonical;
}

async function redeem(merchantId: string, tx: Tx, code: string, use: CouponUse, path: string): Promise<AppliedCoupon> {
  try {
    const outcome = await redeemInTransaction(merchantId, tx, {
      code,
      storeId: use.storeId,
      // The order is the till's request: one redemption per coupon per order.
      requestId: `${use.orderId}.${code}`,
      amountCents: use.amountCents,
      staffId: use.staffId,
      keyId: use.keyId,
      now: use.at,
    });
    if (outcome === 'wrong_code') throw wrongCode(path);
    const r = outcome.redemption;
    return { couponId: r.coupon_id, redemptionId: r.redemption_id, offerId: r.offer_id, code, memberId: r.member_id, redeemedWithOrder: true };
  } catch (error) {
    // Say which code it was: the offers domain answers for one code at a time.
    if (error instanceof AppError && !error.details) throw new AppError(error.code, error.message, [{ path, problem: error.message }], error.headers);
    throw error;
  }
}

async function attach(
  merchantId: string,
  tx: Tx,
  c: { code: string; couponId: string; redemptionId: string },
  use: CouponUse,
  path: string,
): Promise<AppliedCoupon> {
  // Locked so that two sales cannot both take the same counter redemption.
  const redemption = await findRedemption(merchantId, tx, c.redemptionId, 'update');
  const attachable =
    redemption !== undefined &&
    redemption.undone_at === null &&
    redemption.store_id === use.storeId &&
    Math.abs(redemption.redeemed_at.getTime() - use.at.getTime()) <= ATTACH_WITHIN_MS &&
    !(await liveOrderOfRedemption(merchantId, tx, c.redemptionId));
  if (!attachable) {
    throw new AppError('coupon_already_redeemed', undefined, [{ path, problem: 'was redeemed already, elsewhere, earlier, or for another order' }]);
  }
  return { couponId: c.couponId, redemptionId: c.redemptionId, offerId: redemption.offer_id, code: c.code, memberId: redemption.member_id, redeemedWithOrder: false };
}
