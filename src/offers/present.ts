import type { CouponTerms, OfferKind } from '../platform/schema.js';
import { formatCode } from './codes.js';
import type { CouponRow, OfferRow, RedemptionRow, SlotRow } from './queries.js';
import type { Coupon, Offer, Redemption, Slot } from './schemas.js';

/** Rows → API shapes. */

export type CouponStatus = 'valid' | 'not_yet_valid' | 'expired' | 'redeemed';

/** The terms of an offer as the owner sets them, checked together (kind decides which apply). */
export interface Terms {
  name: string;
  description: string;
  kind: OfferKind;
  amountOffCents: number | null;
  percentOff: number | null;
  maxDiscountCents: number | null;
  freeItem: string | null;
  itemValueCents: number | null;
  minSpendCents: number | null;
  storeIds: string[];
  validFrom: string | null;
  validUntil: string | null;
  validDays: number | null;
  perPersonLimit: number;
  totalQuantity: number | null;
  budgetCents: number | null;
}

/** The terms as stored on the offer row: the editable part of an offer. */
export function termsFromRow(row: OfferRow): Terms {
  return {
    name: row.name,
    description: row.description,
    kind: row.kind,
    amountOffCents: row.amount_off_cents,
    percentOff: row.percent_off,
    maxDiscountCents: row.max_discount_cents,
    freeItem: row.free_item,
    itemValueCents: row.item_value_cents,
    minSpendCents: row.min_spend_cents,
    storeIds: row.store_ids,
    validFrom: row.valid_from_date,
    validUntil: row.valid_until_date,
    validDays: row.valid_days,
    perPersonLimit: row.per_person_limit,
    totalQuantity: row.total_quantity,
    budgetCents: row.budget_cents,
  };
}

export function toOffer(row: OfferRow, redeemed: number): Offer {
  return {
    id: row.offer_id,
    ...termsFromRow(row),
    currency: row.currency,
    state: row.state,
    claimed: row.claimed,
    redeemed,
    remaining: row.total_quantity === null ? null : Math.max(0, row.total_quantity - row.claimed),
    budgetUsedCents: row.committed_cents,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The terms a coupon keeps from the offer row it was taken from. */
export function termsOf(offer: OfferRow): CouponTerms {
  return {
    name: offer.name,
    description: offer.description,
    kind: offer.kind,
    amountOffCents: offer.amount_off_cents,
    percentOff: offer.percent_off,
    maxDiscountCents: offer.max_discount_cents,
    freeItem: offer.free_item,
    itemValueCents: offer.item_value_cents,
    minSpendCents: offer.min_spend_cents,
    currency: offer.currency,
  };
}

/** What one coupon of the offer is worth at most (the same rule as the budget check in SQL). */
export function couponValue(offer: Pick<OfferRow, 'kind' | 'amount_off_cents' | 'max_discount_cents' | 'item_value_cents'>): number | null {
  if (offer.kind === 'amount_off') return offer.amount_off_cents;
  if (offer.kind === 'percent_off') return offer.max_discount_cents;
  return offer.item_value_cents;
}

export function toSlot(row: SlotRow): Slot {
  return {
    id: row.slot_id,
    offerId: row.offer_id,
    storeId: row.store_id,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    capacity: row.capacity,
    booked: row.booked,
    remaining: row.capacity - row.booked,
  };
}

export function couponStatus(row: Pick<CouponRow, 'redeemed_at' | 'valid_from' | 'valid_until'>, now: Date): CouponStatus {
  if (row.redeemed_at !== null) return 'redeemed';
  if (now < row.valid_from) return 'not_yet_valid';
  if (now >= row.valid_until) return 'expired';
  return 'valid';
}

export type SlotRef = { id: string; storeId: string; startsAt: string; endsAt: string } | null;

export function slotRef(slot: SlotRow | undefined): SlotRef {
  return slot ? { id: slot.slot_id, storeId: slot.store_id, startsAt: slot.starts_at.toISOString(), endsAt: slot.ends_at.toISOString() } : null;
}

export function toCoupon(row: CouponRow, slot: SlotRow | undefined, now: Date): Coupon {
  return {
    id: row.coupon_id,
    code: formatCode(row.code),
    offerId: row.offer_id,
    memberId: row.member_id,
    status: couponStatus(row, now),
    terms: row.terms,
    storeIds: row.store_ids,
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until.toISOString(),
    slot: slotRef(slot),
    attribution: { visitorId: row.visitor_id, clickId: row.click_id, linkId: row.link_id, channelId: row.channel_id },
    claimedAt: row.claimed_at.toISOString(),
    redeemedAt: row.redeemed_at?.toISOString() ?? null,
    redemptionId: row.redemption_id,
  };
}

export function toRedemption(row: RedemptionRow, terms: CouponTerms, undoMinutes: number): Redemption {
  return {
    id: row.redemption_id,
    couponId: row.coupon_id,
    offerId: row.offer_id,
    memberId: row.member_id,
    storeId: row.store_id,
    requestId: row.request_id,
    amountCents: row.amount_cents,
    terms,
    redeemedAt: row.redeemed_at.toISOString(),
    undoableUntil: new Date(row.redeemed_at.getTime() + undoMinutes * 60_000).toISOString(),
    undoneAt: row.undone_at?.toISOString() ?? null,
    staffId: row.staff_id,
    keyId: row.key_id,
  };
}
