import { resolveMember } from '../members/stitch.js';
import { lastTouchWithin } from '../members/touches.js';
import { findMerchant, type MerchantRow } from '../merchants/queries.js';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { writeOutbox } from '../platform/outbox.js';
import { findStore } from '../stores/queries.js';
import { generateCode } from './codes.js';
import { couponValue, termsOf } from './present.js';
import {
  countPersonCoupons,
  findOffer,
  findSlot,
  insertCoupon,
  lockMemberClaims,
  takeOfferUnit,
  takeSlotPlace,
  type CouponRow,
  type NewCoupon,
  type OfferRow,
  type SlotRow,
} from './queries.js';
import { couponWindow, slotWindow, validityOver, type Window } from './validity.js';

/** Claiming: one coupon of an offer for a verified phone. */

export interface ClaimInput {
  offerId: string;
  /** E.164, already verified by the caller. */
  phone: string;
  /** The `rsv_vid` visitor id, which ties the claim to the taps the visitor clicked. */
  visitorId: string | null;
  slotId: string | null;
}

/** Why an offer cannot be claimed now, or null. Also the answer the public page shows. */
export function claimBlocker(offer: OfferRow, timeZone: string, now: Date): 'offer_not_live' | 'offer_sold_out' | null {
  if (offer.state !== 'live') return 'offer_not_live';
  if (validityOver({ fromDate: offer.valid_from_date, untilDate: offer.valid_until_date, days: offer.valid_days }, now, timeZone)) return 'offer_not_live';
  if (offer.total_quantity !== null && offer.claimed >= offer.total_quantity) return 'offer_sold_out';
  if (offer.budget_cents !== null && offer.committed_cents + (couponValue(offer) ?? 0) > offer.budget_cents) return 'offer_sold_out';
  return null;
}

function assertClaimable(offer: OfferRow, timeZone: string, now: Date): void {
  const blocker = claimBlocker(offer, timeZone, now);
  if (blocker) throw new AppError(blocker);
}

/** The slot a booking claim names, checked before anything is written. */
async function slotOfClaim(merchantId: string, tx: Tx, offer: OfferRow, slotId: string | null, now: Date): Promise<SlotRow | null> {
  if (offer.kind !== 'booking') {
    if (slotId !== null) throw new AppError('validation_failed', undefined, [{ path: '/body/slotId', problem: 'applies to booking offers only' }]);
    return null;
  }
  if (slotId === null) throw new AppError('validation_failed', undefined, [{ path: '/body/slotId', problem: 'is required: choose a time slot' }]);
  const slot = await findSlot(merchantId, tx, slotId);
  if (!slot || slot.offer_id !== offer.offer_id) throw new AppError('invalid_reference', 'No such time slot for this offer.');
  if (slot.starts_at <= now) throw new AppError('validation_failed', undefined, [{ path: '/body/slotId', problem: 'has already started' }]);
  if (slot.booked >= slot.capacity) throw new AppError('slot_full');
  return slot;
}

// A code collides with probability ~n/2^55; a few fresh draws make failure absurd.
const CODE_ATTEMPTS = 5;

async function insertWithFreshCode(merchantId: string, tx: Tx, coupon: Omit<NewCoupon, 'code'>): Promise<CouponRow> {
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
    const row = await insertCoupon(merchantId, tx, { ...coupon, code: generateCode() });
    if (row) return row;
  }
  throw new AppError('retry_later');
}

async function windowOf(merchantId: string, tx: Tx, offer: OfferRow, slot: SlotRow | null, merchant: MerchantRow, now: Date): Promise<Window> {
  if (!slot) return couponWindow({ fromDate: offer.valid_from_date, untilDate: offer.valid_until_date, days: offer.valid_days }, now, merchant.timezone);
  const store = await findStore(merchantId, tx, slot.store_id);
  return slotWindow({ startsAt: slot.starts_at, endsAt: slot.ends_at }, store?.timezone ?? merchant.timezone);
}

function sameValidity(a: OfferRow, b: OfferRow): boolean {
  return a.valid_from_date === b.valid_from_date && a.valid_until_date === b.valid_until_date && a.valid_days === b.valid_days;
}

/**
 * Issues one coupon in the caller's transaction, for a phone the caller has verified.
 *
 * Race-free by the order of its steps: the person is resolved (identities stitched under the
 * members' locks), their claims are serialised by an advisory lock on the member, their
 * coupons are counted (across merged members), and only then is a unit taken from the offer
 * by a conditional UPDATE. Every claim takes its locks in the same order (identities, member,
 * offer row, slot row), so claims never wait for each other in a circle. The offer row is held
 * from that UPDATE to the commit, so the steps after it are kept short.
 */
export async function issueCoupon(merchantId: string, tx: Tx, input: ClaimInput, now: Date): Promise<CouponRow> {
  const merchant = await findMerchant(merchantId, tx);
  if (!merchant) throw new AppError('not_found');
  const seen = await findOffer(merchantId, tx, input.offerId);
  if (!seen || seen.state === 'draft') throw new AppError('not_found');
  // Checked before anything is written: once an offer is gone, claims fail without touching members.
  assertClaimable(seen, merchant.timezone, now);
  const slot = await slotOfClaim(merchantId, tx, seen, input.slotId, now);

  const couponId = newId('coupon');
  const identities = [{ kind: 'phone' as const, value: input.phone }, ...(input.visitorId ? [{ kind: 'anonymous' as const, value: input.visitorId }] : [])];
  const memberId = await resolveMember(merchantId, tx, identities, { reason: `claim of offer ${seen.offer_id}`, actor: `claim:${couponId}` });
  await lockMemberClaims(merchantId, tx, memberId);
  const held = await countPersonCoupons(merchantId, tx, seen.offer_id, memberId);
  if (held >= seen.per_person_limit) throw new AppError('claim_limit_reached');

  // Read before the offer row is taken: from that UPDATE to the commit every other claim of the
  // offer waits, so only the coupon and its outbox row are written while it is held.
  const touch = await lastTouchWithin(merchantId, tx, memberId, now);
  const seenWindow = await windowOf(merchantId, tx, seen, slot, merchant, now);

  const offer = await takeOfferUnit(merchantId, tx, seen.offer_id);
  if (!offer) {
    const latest = await findOffer(merchantId, tx, seen.offer_id);
    throw new AppError((latest && claimBlocker(latest, merchant.timezone, now)) || 'offer_sold_out');
  }
  // The offer may have been edited since it was read; the row taken is the current one.
  if (held >= offer.per_person_limit) throw new AppError('claim_limit_reached');
  if (slot && !(await takeSlotPlace(merchantId, tx, slot.slot_id))) throw new AppError('slot_full');
  const window = sameValidity(seen, offer) ? seenWindow : await windowOf(merchantId, tx, offer, slot, merchant, now);

  const coupon = await insertWithFreshCode(merchantId, tx, {
    coupon_id: couponId,
    offer_id: offer.offer_id,
    member_id: memberId,
    terms: termsOf(offer),
    store_ids: slot ? [slot.store_id] : offer.store_ids,
    valid_from: window.from,
    valid_until: window.until,
    value_cents: couponValue(offer),
    slot_id: slot?.slot_id ?? null,
    visitor_id: input.visitorId,
    click_id: touch?.clickId ?? null,
    link_id: touch?.linkId ?? null,
    channel_id: touch?.channelId ?? null,
    claimed_at: now,
  });
  await writeOutbox(merchantId, tx, 'coupon.claimed', {
    couponId,
    offerId: offer.offer_id,
    memberId,
    slotId: coupon.slot_id,
    validFrom: coupon.valid_from.toISOString(),
    validUntil: coupon.valid_until.toISOString(),
    claimedAt: now.toISOString(),
    attribution: { visitorId: coupon.visitor_id, clickId: coupon.click_id, linkId: coupon.link_id, channelId: coupon.channel_id },
  });
  return coupon;
}

/**
 * The claim on its own, for a phone verified beforehand (a verified-phone token, or a test
 * that skips the one-time code). One transaction: the member, the unit taken from the offer,
 * the coupon and its outbox row commit together or not at all.
 */
export async function claimVerified(db: Db, merchantId: string, input: ClaimInput, now = new Date()): Promise<CouponRow> {
  return inTenant(db, merchantId, (tx) => issueCoupon(merchantId, tx, input, now));
}
