import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimVerified } from '../src/offers/claim.js';
import { createTestApp, newMerchant, newStore, type SignedInOwner, type TestApp } from './helpers.js';

/** The member profile's timeline carries the whole loop: claim, store visit, order. */
let t: TestApp;
let owner: SignedInOwner;
let store: string;
beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t);
  store = await newStore(t, owner);
});
afterAll(async () => t.close());

describe('member timeline', () => {
  it('shows the claimed coupon, the store visit and the order with its payment method', async () => {
    const offer = await t.app.inject({
      method: 'POST',
      url: '/api/offers',
      headers: { cookie: owner.cookie },
      payload: { name: '¥20 off', kind: 'amount_off', amountOffCents: 2000, validDays: 30 },
    });
    const offerId = offer.json().id as string;
    await t.app.inject({ method: 'POST', url: `/api/offers/${offerId}/state`, headers: { cookie: owner.cookie }, payload: { state: 'live' } });
    const coupon = await claimVerified(t.database.handle.db, owner.merchantId, { offerId, phone: '+8613700002222', visitorId: null, slotId: null });

    const order = await t.app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { cookie: owner.cookie },
      payload: {
        storeId: store,
        items: [{ name: '可颂', quantity: 2, unitPriceCents: 1200 }],
        discountCents: 0,
        totalCents: 2400,
        paymentMethod: 'alipay',
        member: { phone: '13700002222' },
      },
    });
    expect(order.statusCode, order.body).toBe(201);

    const found = await t.app.inject({ url: '/api/members?phone=13700002222', headers: { cookie: owner.cookie } });
    const memberId = found.json().data[0].id as string;
    const profile = await t.app.inject({ url: `/api/members/${memberId}`, headers: { cookie: owner.cookie } });
    const timeline = profile.json().timeline as { kind: string; id: string; offerId?: string; storeId?: string; paymentMethod?: string; totalCents?: number; source?: string }[];
    expect(timeline.find((e) => e.kind === 'claim')).toMatchObject({ id: coupon.coupon_id, offerId });
    expect(timeline.find((e) => e.kind === 'order')).toMatchObject({ id: order.json().id, storeId: store, paymentMethod: 'alipay', totalCents: 2400 });
    expect(timeline.find((e) => e.kind === 'visit')).toMatchObject({ storeId: store, source: 'order', sourceId: order.json().id });
  });
});
