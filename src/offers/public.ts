import { normalizePhone } from '../members/identities.js';
import { findMerchant, type MerchantRow } from '../merchants/queries.js';
import { checkOtp, otpFailure, phoneOfToken, sendOtp, verifyOtp, type OtpDeps } from '../messages/otp.js';
import { RESEND_SECONDS } from '../messages/otp-limiter.js';
import { inTenant, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { isId } from '../platform/ids.js';
import { maskPhone } from '../platform/log.js';
import { findStore, listStores } from '../stores/queries.js';
import { claimBlocker, issueCoupon } from './claim.js';
import { formatCode } from './codes.js';
import { couponStatus, slotRef } from './present.js';
import { findOffer, findSlots, listCouponsOfPhone, listLiveOffersAtStore, listSlots, type CouponRow } from './queries.js';
import { couponQrSvg } from './qr.js';
import type { ClaimBody, CustomerCoupon, PublicOffer, PublicStore } from './schemas.js';

/**
 * The customer's side, reached without a staff sign-in: the merchant comes from the URL, and
 * the customer proves a phone with a one-time code. Drafts are not public: they answer
 * not_found like an offer that does not exist.
 */

async function merchantOf(tx: Tx, merchantId: string): Promise<MerchantRow> {
  const merchant = await findMerchant(merchantId, tx);
  if (!merchant) throw new AppError('not_found');
  return merchant;
}

function phoneOf(raw: string, merchant: MerchantRow, path = '/body/phone'): string {
  const phone = normalizePhone(raw, merchant.default_region);
  if (!phone) throw new AppError('validation_failed', undefined, [{ path, problem: 'is not a valid phone number' }]);
  return phone;
}

export async function getPublicOffer(deps: Pick<OtpDeps, 'db'>, merchantId: string, offerId: string, now = new Date()): Promise<PublicOffer> {
  return inTenant(deps.db, merchantId, async (tx) => {
    const merchant = await merchantOf(tx, merchantId);
    const offer = await findOffer(merchantId, tx, offerId);
    if (!offer || offer.state === 'draft') throw new AppError('not_found');
    const stores = await listStores(merchantId, tx, { storeIds: offer.store_ids.length > 0 ? offer.store_ids : null, includeArchived: false });
    const slots = offer.kind === 'booking' ? await listSlots(merchantId, tx, offerId, { endingAfter: now }) : [];
    return {
      id: offer.offer_id,
      merchant: { id: merchant.merchant_id, name: merchant.name },
      name: offer.name,
      description: offer.description,
      kind: offer.kind,
      amountOffCents: offer.amount_off_cents,
      percentOff: offer.percent_off,
      maxDiscountCents: offer.max_discount_cents,
      freeItem: offer.free_item,
      minSpendCents: offer.min_spend_cents,
      currency: offer.currency,
      validFrom: offer.valid_from_date,
      validUntil: offer.valid_until_date,
      validDays: offer.valid_days,
      perPersonLimit: offer.per_person_limit,
      claimable: claimBlocker(offer, merchant.timezone, now) === null,
      remaining: offer.total_quantity === null ? null : Math.max(0, offer.total_quantity - offer.claimed),
      stores: stores.map((s) => ({ id: s.store_id, name: s.name, address: s.address })),
      slots: slots
        .filter((s) => s.starts_at > now)
        .map((s) => ({ id: s.slot_id, storeId: s.store_id, startsAt: s.starts_at.toISOString(), endsAt: s.ends_at.toISOString(), remaining: s.capacity - s.booked })),
    };
  });
}

/**
 * `GET …/stores/{storeId}`: a store page — where it is, when it is open, and what can be
 * claimed for it now. An archived store answers not_found, like one that never existed.
 */
export async function getPublicStore(deps: Pick<OtpDeps, 'db'>, merchantId: string, storeId: string, now = new Date()): Promise<PublicStore> {
  return inTenant(deps.db, merchantId, async (tx) => {
    const merchant = await merchantOf(tx, merchantId);
    const store = await findStore(merchantId, tx, storeId);
    if (!store || store.archived_at !== null) throw new AppError('not_found');
    const offers = (await listLiveOffersAtStore(merchantId, tx, storeId)).filter((offer) => claimBlocker(offer, merchant.timezone, now) === null);
    return {
      id: store.store_id,
      merchant: { id: merchant.merchant_id, name: merchant.name },
      name: store.name,
      address: store.address,
      phone: store.phone,
      timezone: store.timezone,
      openingHours: store.opening_hours,
      offers: offers.map((offer) => ({
        id: offer.offer_id,
        name: offer.name,
        description: offer.description,
        kind: offer.kind,
        amountOffCents: offer.amount_off_cents,
        percentOff: offer.percent_off,
        maxDiscountCents: offer.max_discount_cents,
        freeItem: offer.free_item,
        minSpendCents: offer.min_spend_cents,
        currency: offer.currency,
        validFrom: offer.valid_from_date,
        validUntil: offer.valid_until_date,
        validDays: offer.valid_days,
        remaining: offer.total_quantity === null ? null : Math.max(0, offer.total_quantity - offer.claimed),
      })),
    };
  });
}

/**
 * Sends a code to a phone. With an offer, only while it can be claimed: a text costs the
 * merchant money, and a code for an offer that is gone helps nobody.
 */
export async function requestCode(
  deps: OtpDeps,
  merchantId: string,
  input: { phone: string; ip: string; offerId?: string },
  now = new Date(),
): Promise<{ sentTo: string; expiresAt: string; resendAfterSeconds: number }> {
  const { merchant, phone } = await inTenant(deps.db, merchantId, async (tx) => {
    const m = await merchantOf(tx, merchantId);
    const p = phoneOf(input.phone, m);
    if (input.offerId !== undefined) {
      const offer = await findOffer(merchantId, tx, input.offerId);
      if (!offer || offer.state === 'draft') throw new AppError('not_found');
      const blocker = claimBlocker(offer, m.timezone, now);
      if (blocker) throw new AppError(blocker);
    }
    return { merchant: m, phone: p };
  });
  const { expiresAt } = await sendOtp(deps, { merchantId, name: merchant.name, defaultRegion: merchant.default_region }, phone, input.ip, now);
  return { sentTo: maskPhone(phone), expiresAt: expiresAt.toISOString(), resendAfterSeconds: RESEND_SECONDS };
}

export async function verifyCode(deps: OtpDeps, merchantId: string, body: { phone: string; code: string }, now = new Date()): Promise<{ token: string; expiresAt: string }> {
  const merchant = await inTenant(deps.db, merchantId, (tx) => merchantOf(tx, merchantId));
  const verified = await verifyOtp(deps, merchantId, phoneOf(body.phone, merchant), body.code, now);
  return { token: verified.token, expiresAt: verified.expiresAt.toISOString() };
}

async function customerCoupons(merchantId: string, tx: Tx, rows: CouponRow[], now: Date): Promise<CustomerCoupon[]> {
  const slots = await findSlots(merchantId, tx, rows.map((r) => r.slot_id));
  const out: CustomerCoupon[] = [];
  for (const row of rows) {
    out.push({
      id: row.coupon_id,
      code: formatCode(row.code),
      qrSvg: await couponQrSvg(row.code),
      offerId: row.offer_id,
      status: couponStatus(row, now),
      terms: row.terms,
      storeIds: row.store_ids,
      validFrom: row.valid_from.toISOString(),
      validUntil: row.valid_until.toISOString(),
      slot: slotRef(row.slot_id ? slots.get(row.slot_id) : undefined),
      claimedAt: row.claimed_at.toISOString(),
      redeemedAt: row.redeemed_at?.toISOString() ?? null,
    });
  }
  return out;
}

function claimProof(body: ClaimBody): { token: string } | { phone: string; code: string } {
  if (body.token !== undefined && body.phone === undefined && body.code === undefined) return { token: body.token };
  if (body.token === undefined && body.phone !== undefined && body.code !== undefined) return { phone: body.phone, code: body.code };
  const path = body.token !== undefined ? '/body/token' : body.phone === undefined ? '/body/phone' : '/body/code';
  throw new AppError('validation_failed', undefined, [{ path, problem: 'send either phone and code, or token' }]);
}

/** A visitor id from the body, else from the `rsv_vid` cookie when it is well-formed. */
function visitorOf(body: ClaimBody, cookie: string | undefined): string | null {
  if (body.visitorId !== undefined) return body.visitorId;
  return cookie !== undefined && isId('visitor', cookie) ? cookie : null;
}

/**
 * `POST …/claim`. With a code, the check and the claim share one transaction: a wrong code is
 * counted and committed on its own (nothing else happens), and a right code is consumed only
 * if the claim succeeds, so "sold out" or "limit reached" leaves the code usable for a retry.
 */
export async function claimOffer(
  deps: OtpDeps,
  merchantId: string,
  offerId: string,
  body: ClaimBody,
  visitorCookie: string | undefined,
  now = new Date(),
): Promise<{ coupon: CustomerCoupon; token: string; tokenExpiresAt: string }> {
  const proof = claimProof(body);
  const visitorId = visitorOf(body, visitorCookie);
  type Outcome = { failed: 'wrong' | 'expired' } | { coupon: CustomerCoupon; token: { token: string; expiresAt: Date } };
  const outcome = await inTenant(deps.db, merchantId, async (tx): Promise<Outcome> => {
    const merchant = await merchantOf(tx, merchantId);
    let phone: string;
    let token: { token: string; expiresAt: Date };
    if ('token' in proof) {
      const verified = await phoneOfToken(merchantId, tx, proof.token, now);
      if (!verified) throw new AppError('phone_token_invalid');
      phone = verified.phone;
      token = { token: proof.token, expiresAt: verified.expiresAt };
    } else {
      phone = phoneOf(proof.phone, merchant);
      const check = await checkOtp(merchantId, tx, { phone, code: proof.code, maxAttempts: deps.config.otpMaxAttempts, tokenMinutes: deps.config.verifiedPhoneMinutes, now });
      if (check.result !== 'ok') return { failed: check.result };
      token = { token: check.token, expiresAt: check.tokenExpiresAt };
    }
    const coupon = await issueCoupon(merchantId, tx, { offerId, phone, visitorId, slotId: body.slotId ?? null }, now);
    return { coupon: (await customerCoupons(merchantId, tx, [coupon], now))[0]!, token };
  });
  if ('failed' in outcome) throw otpFailure(outcome.failed);
  return { coupon: outcome.coupon, token: outcome.token.token, tokenExpiresAt: outcome.token.expiresAt.toISOString() };
}

/** `GET …/coupons`: the coupons of the person holding the verified phone, newest first. */
export async function myCoupons(deps: Pick<OtpDeps, 'db'>, merchantId: string, token: string | null, now = new Date()): Promise<{ phone: string; data: CustomerCoupon[] }> {
  if (token === null) throw new AppError('phone_token_invalid');
  return inTenant(deps.db, merchantId, async (tx) => {
    const verified = await phoneOfToken(merchantId, tx, token, now);
    if (!verified) throw new AppError('phone_token_invalid');
    const rows = await listCouponsOfPhone(merchantId, tx, verified.phone);
    return { phone: maskPhone(verified.phone), data: await customerCoupons(merchantId, tx, rows, now) };
  });
}
