import { findMerchant } from '../merchants/queries.js';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError, type ErrorDetail } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { OfferKind, OfferState } from '../platform/schema.js';
import { findActiveStoreIds } from '../stores/queries.js';
import { couponValue, termsFromRow, toCoupon, toOffer, type Terms } from './present.js';
import { countRedeemed, findCoupon, findOffer, findSlot, findSlots, insertOffer, listOfferCoupons, listOffers, updateOffer, type OfferRow } from './queries.js';
import type { Coupon, CreateOfferBody, Offer, UpdateOfferBody } from './schemas.js';
import { isCalendarDate } from './validity.js';

/** Offers: create, read, change, move through their states. */

/** Which amount fields each kind takes; the others must be left out (or null). */
const KIND_FIELDS: Record<OfferKind, { required: (keyof Terms)[]; allowed: (keyof Terms)[] }> = {
  amount_off: { required: ['amountOffCents'], allowed: ['amountOffCents'] },
  percent_off: { required: ['percentOff'], allowed: ['percentOff', 'maxDiscountCents'] },
  free_item: { required: ['freeItem'], allowed: ['freeItem', 'itemValueCents'] },
  booking: { required: [], allowed: ['freeItem', 'itemValueCents'] },
};
const AMOUNT_FIELDS: (keyof Terms)[] = ['amountOffCents', 'percentOff', 'maxDiscountCents', 'freeItem', 'itemValueCents'];

function problemsOf(terms: Terms): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const at = (field: keyof Terms, problem: string) => problems.push({ path: `/body/${field}`, problem });
  const rule = KIND_FIELDS[terms.kind];
  for (const field of rule.required) if (terms[field] === null) at(field, `is required for a ${terms.kind} offer`);
  for (const field of AMOUNT_FIELDS) if (!rule.allowed.includes(field) && terms[field] !== null) at(field, `does not apply to a ${terms.kind} offer`);

  const hasDates = terms.validFrom !== null || terms.validUntil !== null;
  if (terms.kind === 'booking') {
    if (hasDates || terms.validDays !== null) at('validDays', 'does not apply: a booking voucher is valid on the day of its slot');
  } else if (hasDates && terms.validDays !== null) {
    at('validDays', 'give either validFrom and validUntil, or validDays, not both');
  } else if (!hasDates && terms.validDays === null) {
    at('validDays', 'is required (or validFrom and validUntil)');
  } else if (hasDates) {
    if (terms.validFrom === null || !isCalendarDate(terms.validFrom)) at('validFrom', 'must be a calendar day YYYY-MM-DD');
    if (terms.validUntil === null || !isCalendarDate(terms.validUntil)) at('validUntil', 'must be a calendar day YYYY-MM-DD');
    if (terms.validFrom !== null && terms.validUntil !== null && terms.validUntil < terms.validFrom) at('validUntil', 'must not be before validFrom');
  }

  const value = couponValue({ kind: terms.kind, amount_off_cents: terms.amountOffCents, max_discount_cents: terms.maxDiscountCents, item_value_cents: terms.itemValueCents });
  if (terms.budgetCents !== null && value === null) {
    at('budgetCents', terms.kind === 'percent_off' ? 'needs maxDiscountCents, so each coupon has a known worth' : 'needs itemValueCents, so each coupon has a known worth');
  }
  return problems;
}

/** A change of validity replaces the other form: dates clear validDays and the other way round. */
function mergeTerms(current: Terms, patch: UpdateOfferBody): Terms {
  // The body's fields are the Terms fields, each optional; undefined means "leave as it is".
  const sent = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<Terms>;
  const next: Terms = { ...current, ...sent, ...(patch.name !== undefined ? { name: patch.name.trim() } : {}) };
  const datesSent = patch.validFrom !== undefined || patch.validUntil !== undefined;
  if (datesSent && patch.validDays === undefined) next.validDays = null;
  if (patch.validDays !== undefined && patch.validDays !== null && !datesSent) {
    next.validFrom = null;
    next.validUntil = null;
  }
  return next;
}

function columnsOf(terms: Terms) {
  return {
    name: terms.name,
    description: terms.description,
    amount_off_cents: terms.amountOffCents,
    percent_off: terms.percentOff,
    max_discount_cents: terms.maxDiscountCents,
    free_item: terms.freeItem,
    item_value_cents: terms.itemValueCents,
    min_spend_cents: terms.minSpendCents,
    store_ids: terms.storeIds,
    valid_from_date: terms.validFrom,
    valid_until_date: terms.validUntil,
    valid_days: terms.validDays,
    per_person_limit: terms.perPersonLimit,
    total_quantity: terms.totalQuantity,
    budget_cents: terms.budgetCents,
  };
}

async function assertStores(merchantId: string, tx: Tx, storeIds: string[]): Promise<void> {
  const active = await findActiveStoreIds(merchantId, tx, storeIds);
  const missing = storeIds.filter((id) => !active.includes(id));
  if (missing.length > 0) throw new AppError('invalid_reference', `No such store, or it is archived: ${missing.join(', ')}.`);
}

function assertValid(terms: Terms): void {
  const problems = problemsOf(terms);
  if (problems.length > 0) throw new AppError('validation_failed', undefined, problems);
}

async function withCounts(merchantId: string, tx: Tx, rows: OfferRow[]): Promise<Offer[]> {
  const redeemed = await countRedeemed(merchantId, tx, rows.map((r) => r.offer_id));
  return rows.map((row) => toOffer(row, redeemed.get(row.offer_id) ?? 0));
}

export async function createOffer(db: Db, merchantId: string, body: CreateOfferBody): Promise<Offer> {
  const terms: Terms = {
    name: body.name.trim(),
    description: body.description ?? '',
    kind: body.kind,
    amountOffCents: body.amountOffCents ?? null,
    percentOff: body.percentOff ?? null,
    maxDiscountCents: body.maxDiscountCents ?? null,
    freeItem: body.freeItem ?? null,
    itemValueCents: body.itemValueCents ?? null,
    minSpendCents: body.minSpendCents ?? null,
    storeIds: body.storeIds ?? [],
    validFrom: body.validFrom ?? null,
    validUntil: body.validUntil ?? null,
    validDays: body.validDays ?? null,
    perPersonLimit: body.perPersonLimit ?? 1,
    totalQuantity: body.totalQuantity ?? null,
    budgetCents: body.budgetCents ?? null,
  };
  assertValid(terms);
  return inTenant(db, merchantId, async (tx) => {
    const merchant = await findMerchant(merchantId, tx);
    if (!merchant) throw new AppError('not_found');
    await assertStores(merchantId, tx, terms.storeIds);
    const row = await insertOffer(merchantId, tx, { offer_id: newId('offer'), kind: terms.kind, currency: merchant.currency, ...columnsOf(terms) });
    return toOffer(row, 0);
  });
}

export async function listAllOffers(db: Db, merchantId: string, state: OfferState | undefined): Promise<Offer[]> {
  return inTenant(db, merchantId, async (tx) => withCounts(merchantId, tx, await listOffers(merchantId, tx, { state })));
}

export async function getOffer(db: Db, merchantId: string, offerId: string): Promise<Offer> {
  return inTenant(db, merchantId, async (tx) => {
    const row = await findOffer(merchantId, tx, offerId);
    if (!row) throw new AppError('not_found');
    return (await withCounts(merchantId, tx, [row]))[0]!;
  });
}

/**
 * Changes the terms. A live offer may be changed: coupons already claimed keep the terms they
 * were claimed under (they carry their own copy), so only later claims see the change.
 */
export async function changeOffer(db: Db, merchantId: string, offerId: string, patch: UpdateOfferBody): Promise<Offer> {
  return inTenant(db, merchantId, async (tx) => {
    const current = await findOffer(merchantId, tx, offerId, 'update');
    if (!current) throw new AppError('not_found');
    if (current.state === 'ended') throw new AppError('offer_ended');
    const next = mergeTerms(termsFromRow(current), patch);
    assertValid(next);
    const below: ErrorDetail[] = [];
    if (next.totalQuantity !== null && next.totalQuantity < current.claimed) {
      below.push({ path: '/body/totalQuantity', problem: `must be at least ${current.claimed}, the coupons already claimed` });
    }
    if (next.budgetCents !== null && next.budgetCents < current.committed_cents) {
      below.push({ path: '/body/budgetCents', problem: `must be at least ${current.committed_cents}, what the claimed coupons are worth` });
    }
    if (below.length > 0) throw new AppError('validation_failed', undefined, below);
    if (patch.storeIds !== undefined) await assertStores(merchantId, tx, next.storeIds);
    const row = await updateOffer(merchantId, tx, offerId, columnsOf(next));
    return (await withCounts(merchantId, tx, [row]))[0]!;
  });
}

/** draft → live ⇄ paused; live or paused → ended, for good. */
const NEXT_STATES: Record<OfferState, OfferState[]> = {
  draft: ['live'],
  live: ['paused', 'ended'],
  paused: ['live', 'ended'],
  ended: [],
};

export async function changeOfferState(db: Db, merchantId: string, offerId: string, to: OfferState): Promise<Offer> {
  return inTenant(db, merchantId, async (tx) => {
    const current = await findOffer(merchantId, tx, offerId, 'update');
    if (!current) throw new AppError('not_found');
    if (!NEXT_STATES[current.state].includes(to)) {
      throw new AppError('invalid_state_transition', `An offer that is ${current.state} cannot become ${to}.`);
    }
    const row = await updateOffer(merchantId, tx, offerId, { state: to });
    return (await withCounts(merchantId, tx, [row]))[0]!;
  });
}

export async function listCouponsOfOffer(db: Db, merchantId: string, offerId: string, limit: number, now = new Date()): Promise<Coupon[]> {
  return inTenant(db, merchantId, async (tx) => {
    if (!(await findOffer(merchantId, tx, offerId))) throw new AppError('not_found');
    const rows = await listOfferCoupons(merchantId, tx, offerId, limit);
    const slots = await findSlots(merchantId, tx, rows.map((r) => r.slot_id));
    return rows.map((row) => toCoupon(row, row.slot_id ? slots.get(row.slot_id) : undefined, now));
  });
}

export async function getCoupon(db: Db, merchantId: string, couponId: string, now = new Date()): Promise<Coupon> {
  return inTenant(db, merchantId, async (tx) => {
    const row = await findCoupon(merchantId, tx, couponId);
    if (!row) throw new AppError('not_found');
    return toCoupon(row, row.slot_id ? await findSlot(merchantId, tx, row.slot_id) : undefined, now);
  });
}
