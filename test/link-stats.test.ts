import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyClickTouches } from '../src/members/touches.js';
import { claimVerified } from '../src/offers/claim.js';
import { inTenant } from '../src/platform/db.js';
import { newId } from '../src/platform/ids.js';
import { createTestApp, newMerchant, newStaff, newStore, type SignedInOwner, type TestApp } from './helpers.js';

/** GET /api/links/:linkId/stats: what one link brought, from tap to till. */
let t: TestApp;
let owner: SignedInOwner;
let other: SignedInOwner;
let store: string;
let linkId: string;
let channelId: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t);
  other = await newMerchant(t, 'Other Bakery');
  store = await newStore(t, owner);
  const channel = await t.app.inject({ method: 'POST', url: '/api/channels', headers: { cookie: owner.cookie }, payload: { name: '小红书', kind: 'social' } });
  channelId = channel.json().id;
  const link = await t.app.inject({ method: 'POST', url: '/api/links', headers: { cookie: owner.cookie }, payload: { channelId, destination: '/' } });
  linkId = link.json().id;
});
afterAll(async () => t.close());

const stats = (id: string, cookie = owner.cookie) => t.app.inject({ url: `/api/links/${id}/stats`, headers: { cookie } });

/** A click (or scan) of the link, written as the click buffer would, with its touch on the visitor. */
async function tap(visitorId: string, isScan = false): Promise<void> {
  const m = owner.merchantId;
  const clickId = newId('click');
  const at = new Date(Date.now() - 60_000);
  await inTenant(t.database.handle.db, m, async (tx) => {
    await tx
      .insertInto('clicks')
      .values({ merchant_id: m, click_id: clickId, link_id: linkId, channel_id: channelId, visitor_id: visitorId, occurred_at: at, is_scan: isScan, referrer: null, ip_hash: null, ua_family: null, country: null, region: null })
      .execute();
    await applyClickTouches(m, tx, [{ clickId, visitorId, occurredAt: at }]);
  });
}

describe('link stats', () => {
  it('counts nothing for a new link', async () => {
    const res = await stats(linkId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ linkId, clicks: 0, scans: 0, visitors: 0, claims: 0, visits: 0, orders: 0, revenueCents: 0 });
  });

  it('follows the link to claims, redemptions (not undone ones) and orders (not voids), net of refunds', async () => {
    const [a, b, c] = [newId('visitor'), newId('visitor'), newId('visitor')];
    await tap(a);
    await tap(a);
    await tap(b, true);
    await tap(c);

    const offer = await t.app.inject({ method: 'POST', url: '/api/offers', headers: { cookie: owner.cookie }, payload: { name: '¥20 off', kind: 'amount_off', amountOffCents: 2000, validDays: 30 } });
    const offerId = offer.json().id as string;
    await t.app.inject({ method: 'POST', url: `/api/offers/${offerId}/state`, headers: { cookie: owner.cookie }, payload: { state: 'live' } });
    const db = t.database.handle.db;
    const couponA = await claimVerified(db, owner.merchantId, { offerId, phone: '+8613700001111', visitorId: a, slotId: null });
    const couponB = await claimVerified(db, owner.merchantId, { offerId, phone: '+8613700002222', visitorId: b, slotId: null });
    await claimVerified(db, owner.merchantId, { offerId, phone: '+8613700003333', visitorId: null, slotId: null }); // direct: not this link's

    const redeem = (code: string, requestId: string) =>
      t.app.inject({ method: 'POST', url: '/api/redemptions', headers: { cookie: owner.cookie }, payload: { code, storeId: store, requestId } });
    expect((await redeem(couponA.code, 'till-request-a')).statusCode).toBe(201);
    const undone = await redeem(couponB.code, 'till-request-b');
    expect(undone.statusCode).toBe(201);
    const undo = await t.app.inject({ method: 'POST', url: `/api/redemptions/${undone.json().id}/undo`, headers: { cookie: owner.cookie }, payload: { storeId: store } });
    expect(undo.statusCode, undo.body).toBe(200);

    const order = (phone: string, totalCents: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/orders',
        headers: { cookie: owner.cookie },
        payload: { storeId: store, items: [{ name: '可颂', quantity: 1, unitPriceCents: totalCents }], totalCents, paymentMethod: 'wechat_pay', member: { phone } },
      });
    const kept = await order('13700001111', 5000);
    expect(kept.statusCode, kept.body).toBe(201);
    expect(kept.json().attribution).toMatchObject({ linkId });
    const refund = await t.app.inject({ method: 'POST', url: `/api/orders/${kept.json().id}/refunds`, headers: { cookie: owner.cookie }, payload: { amountCents: 1200, reason: 'one pastry returned' } });
    expect(refund.statusCode, refund.body).toBe(201);
    const voided = await order('13700001111', 3000);
    await t.app.inject({ method: 'POST', url: `/api/orders/${voided.json().id}/void`, headers: { cookie: owner.cookie }, payload: { reason: 'rung up twice' } });
    await order('13700003333', 9900); // a direct customer: not this link's

    const res = await stats(linkId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ linkId, clicks: 3, scans: 1, visitors: 3, claims: 2, visits: 1, orders: 1, revenueCents: 3800 });
  });

  it('is for owners and managers; another merchant’s link does not exist; a malformed id is refused', async () => {
    const manager = await newStaff(t, owner, 'manager');
    expect((await stats(linkId, manager.cookie)).statusCode).toBe(200);
    const clerk = await newStaff(t, owner, 'clerk', [store]);
    const refused = await stats(linkId, clerk.cookie);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');

    const foreign = await stats(linkId, other.cookie);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('not_found');
    const bad = await stats('lnk_nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_id');
  });
});
