import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimVerified } from '../src/offers/claim.js';
import { formatCode } from '../src/offers/codes.js';
import { inTenant } from '../src/platform/db.js';
import { createTestApp, newMerchant, newStore, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

/** Coupons used on a sale: redeemed with the order, or attached after a redemption at the counter. */
let t: TestApp;
let owner: SignedInOwner;
let store: string;
let otherStore: string;
let offerId: string;
let phones = 0;

beforeAll(async () => {
  t = await createTestApp({ config: { COUNTER_FAILURES_PER_STAFF: '3' } });
  owner = await newMerchant(t);
  store = await newStore(t, owner, 'Main');
  otherStore = await newStore(t, owner, 'Airport');
  offerId = await liveOffer({ name: '5 off 10', kind: 'amount_off', amountOffCents: 500, minSpendCents: 1000, perPersonLimit: 50, storeIds: [store], validDays: 30 });
});
afterAll(async () => t.close());

async function liveOffer(payload: object): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/offers', headers: { cookie: owner.cookie }, payload });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  const live = await t.app.inject({ method: 'POST', url: `/api/offers/${id}/state`, headers: { cookie: owner.cookie }, payload: { state: 'live' } });
  expect(live.statusCode, live.body).toBe(200);
  return id;
}

async function coupon(phone = `+861390000${String(++phones).padStart(4, '0')}`) {
  const row = await claimVerified(t.database.handle.db, owner.merchantId, { offerId, phone, visitorId: null, slotId: null });
  return { code: formatCode(row.code), couponId: row.coupon_id, memberId: row.member_id };
}

function sale(overrides: Record<string, unknown> = {}) {
  return { storeId: store, items: [{ name: 'Cake', quantity: 1, unitPriceCents: 3000 }], discountCents: 500, totalCents: 2500, paymentMethod: 'alipay', ...overrides };
}

const postOrder = (payload: object) => t.app.inject({ method: 'POST', url: '/api/orders', headers: { cookie: owner.cookie }, payload });

async function outboxTypes(): Promise<string[]> {
  const rows = await inTenant(t.database.handle.db, owner.merchantId, (tx) =>
    tx.selectFrom('outbox').select('event_type').where('merchant_id', '=', owner.merchantId).orderBy('outbox_id').execute(),
  );
  return rows.map((r) => r.event_type);
}

describe('coupons on an order', () => {
  it('redeems a coupon with the order, which then belongs to the coupon holder', async () => {
    const c = await coupon();
    const before = await outboxTypes();
    const res = await postOrder(sale({ couponCodes: [c.code.toLowerCase()] }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ memberId: c.memberId, coupons: [{ couponId: c.couponId, code: c.code, offerId, redeemedWithOrder: true }] });
    expect((await outboxTypes()).slice(before.length)).toEqual(['coupon.redeemed', 'order.created']);
    const redemption = await t.app.inject({ url: `/api/redemptions/${res.json().coupons[0].redemptionId}`, headers: { cookie: owner.cookie } });
    expect(redemption.json()).toMatchObject({ couponId: c.couponId, storeId: store, amountCents: 3000 });

    const counts = await tableCounts(t);
    const again = await postOrder(sale({ couponCodes: [c.code] }));
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'coupon_already_redeemed', details: [{ path: '/body/couponCodes/0' }] });
    expect(await tableCounts(t)).toEqual(counts);
  });

  it('attaches a coupon the clerk redeemed at the counter just before, once', async () => {
    const c = await coupon();
    const counter = await t.app.inject({
      method: 'POST',
      url: '/api/redemptions',
      headers: { cookie: owner.cookie },
      payload: { code: c.code, storeId: store, requestId: `till-${c.couponId}` },
    });
    expect(counter.statusCode, counter.body).toBe(201);
    const res = await postOrder(sale({ couponCodes: [c.code], member: { phone: `+8613900009999` } }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().coupons).toEqual([{ couponId: c.couponId, code: c.code, offerId, redemptionId: counter.json().id, redeemedWithOrder: false }]);
    // The member the till named stays the buyer: a coupon may be a gift.
    expect(res.json().memberId).not.toBe(c.memberId);

    const second = await postOrder(sale({ couponCodes: [c.code] }));
    expect(second.json().error.code).toBe('coupon_already_redeemed');
    // Once that sale is void, the redemption may go with the sale rung up in its place.
    await t.app.inject({ method: 'POST', url: `/api/orders/${res.json().id}/void`, headers: { cookie: owner.cookie }, payload: { reason: 'wrong price' } });
    const redo = await postOrder(sale({ couponCodes: [c.code] }));
    expect(redo.statusCode).toBe(201);
    expect(redo.json().coupons[0]).toMatchObject({ redemptionId: counter.json().id, redeemedWithOrder: false });
  });

  it('refuses a coupon redeemed at another store', async () => {
    const anywhere = await liveOffer({ name: 'Anywhere', kind: 'amount_off', amountOffCents: 100, validDays: 30 });
    const row = await claimVerified(t.database.handle.db, owner.merchantId, { offerId: anywhere, phone: '+8613900008888', visitorId: null, slotId: null });
    await t.app.inject({ method: 'POST', url: '/api/redemptions', headers: { cookie: owner.cookie }, payload: { code: row.code, storeId: otherStore, requestId: `till-${row.coupon_id}` } });
    const res = await postOrder(sale({ couponCodes: [row.code] }));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('coupon_already_redeemed');
  });

  it.each([
    ['at a store it is not valid in', () => ({ storeId: otherStore }), 409, 'coupon_not_valid_here'],
    ['below the minimum spend', () => ({ items: [{ name: 'Tea', quantity: 1, unitPriceCents: 900 }], discountCents: 500, totalCents: 400 }), 422, 'minimum_spend_not_met'],
  ])('refuses a coupon used %s, writing nothing', async (_label, overrides, status, code) => {
    const c = await coupon();
    const before = await tableCounts(t);
    const res = await postOrder(sale({ couponCodes: [c.code], ...overrides() }));
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatchObject({ code, details: [{ path: '/body/couponCodes/0' }] });
    expect(await tableCounts(t)).toEqual(before);
  });

  it('the same coupon twice in one order is a validation error', async () => {
    const c = await coupon();
    const res = await postOrder(sale({ couponCodes: [c.code, c.code.replaceAll('-', '')] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: '/body/couponCodes/1' }] });
  });

  it('a wrong code fails the whole sale, member included, and counts against the caller', async () => {
    const c = await coupon();
    const wrong = `${c.code.slice(0, -1)}${c.code.endsWith('0') ? '1' : '0'}`;
    const before = await tableCounts(t);
    for (const codes of [[c.code, wrong], ['AAAA-BBBB-CCCC'], ['not a code']]) {
      const res = await postOrder(sale({ couponCodes: codes, member: { phone: '+8613900007777' } }));
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('invalid_coupon_code');
    }
    // Nothing of the sale stayed: no member, no redemption of the good first code.
    expect(await tableCounts(t)).toEqual(before);
    const locked = await postOrder(sale({ couponCodes: [c.code] }));
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_wrong_codes');
    // Sales without coupons go on.
    expect((await postOrder(sale({ discountCents: 0, totalCents: 3000 }))).statusCode).toBe(201);
  });
});
