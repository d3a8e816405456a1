import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimVerified } from '../src/offers/claim.js';
import { createTestApp, newMerchant, newStaff, newStore, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

let t: TestApp;
let owner: SignedInOwner;
let store: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t);
  store = await newStore(t, owner, 'Jing’an');
});
afterAll(async () => t.close());

const amountOff = { name: '¥20 off', kind: 'amount_off', amountOffCents: 2000, validDays: 30 };

async function post(url: string, payload: object, cookie = owner.cookie) {
  return t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
}

async function createOffer(payload: object = amountOff, cookie = owner.cookie): Promise<{ id: string } & Record<string, unknown>> {
  const res = await post('/api/offers', payload, cookie);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function setState(offerId: string, state: string, cookie = owner.cookie) {
  return post(`/api/offers/${offerId}/state`, { state }, cookie);
}

describe('offers', () => {
  it('creates a draft with every rule and zero counts', async () => {
    const res = await post('/api/offers', {
      name: '20% off drinks',
      description: 'Any drink, any size.',
      kind: 'percent_off',
      percentOff: 20,
      maxDiscountCents: 1500,
      minSpendCents: 3000,
      storeIds: [store],
      validFrom: '2026-05-01',
      validUntil: '2026-05-31',
      perPersonLimit: 2,
      totalQuantity: 500,
      budgetCents: 100_000,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: '20% off drinks',
      kind: 'percent_off',
      percentOff: 20,
      maxDiscountCents: 1500,
      amountOffCents: null,
      minSpendCents: 3000,
      currency: 'CNY',
      storeIds: [store],
      validFrom: '2026-05-01',
      validUntil: '2026-05-31',
      validDays: null,
      perPersonLimit: 2,
      totalQuantity: 500,
      budgetCents: 100_000,
      state: 'draft',
      claimed: 0,
      redeemed: 0,
      remaining: 500,
      budgetUsedCents: 0,
    });
    expect(res.json().id).toMatch(/^off_/);
    const one = await t.app.inject({ url: `/api/offers/${res.json().id}`, headers: { cookie: owner.cookie } });
    expect(one.json()).toEqual(res.json());
  });

  it('creates the four kinds', async () => {
    for (const payload of [
      amountOff,
      { name: 'Free coffee', kind: 'free_item', freeItem: 'Americano', itemValueCents: 1800, validDays: 7 },
      { name: 'Half price', kind: 'percent_off', percentOff: 50, validDays: 7 },
      { name: 'Tasting session', kind: 'booking', freeItem: 'Wine tasting', storeIds: [store] },
    ]) {
      await createOffer(payload);
    }
    const list = await t.app.inject({ url: '/api/offers?state=draft', headers: { cookie: owner.cookie } });
    expect(list.json().data.map((o: { kind: string }) => o.kind)).toEqual(expect.arrayContaining(['amount_off', 'free_item', 'percent_off', 'booking']));
  });

  it.each([
    ['no kind', { name: 'X', validDays: 3 }, 'validation_failed', '/body/kind'],
    ['an unknown kind', { ...amountOff, kind: 'bogof' }, 'validation_failed', '/body/kind'],
    ['an unknown field', { ...amountOff, discount: 5 }, 'unknown_field', '/body/discount'],
    ['amount_off without an amount', { name: 'X', kind: 'amount_off', validDays: 3 }, 'validation_failed', '/body/amountOffCents'],
    ['a zero amount', { ...amountOff, amountOffCents: 0 }, 'validation_failed', '/body/amountOffCents'],
    ['an amount as a string', { ...amountOff, amountOffCents: '2000' }, 'validation_failed', '/body/amountOffCents'],
    ['a percentage on an amount_off offer', { ...amountOff, percentOff: 10 }, 'validation_failed', '/body/percentOff'],
    ['percent_off over 100', { name: 'X', kind: 'percent_off', percentOff: 120, validDays: 3 }, 'validation_failed', '/body/percentOff'],
    ['free_item without the item', { name: 'X', kind: 'free_item', validDays: 3 }, 'validation_failed', '/body/freeItem'],
    ['no validity', { name: 'X', kind: 'amount_off', amountOffCents: 100 }, 'validation_failed', '/body/validDays'],
    ['dates and days', { ...amountOff, validFrom: '2026-05-01', validUntil: '2026-05-02' }, 'validation_failed', '/body/validDays'],
    ['only a start date', { name: 'X', kind: 'amount_off', amountOffCents: 100, validFrom: '2026-05-01' }, 'validation_failed', '/body/validUntil'],
    ['an end before the start', { name: 'X', kind: 'amount_off', amountOffCents: 100, validFrom: '2026-05-02', validUntil: '2026-05-01' }, 'validation_failed', '/body/validUntil'],
    ['a date that does not exist', { name: 'X', kind: 'amount_off', amountOffCents: 100, validFrom: '2026-02-30', validUntil: '2026-03-01' }, 'validation_failed', '/body/validFrom'],
    ['validity on a booking voucher', { name: 'X', kind: 'booking', validDays: 3 }, 'validation_failed', '/body/validDays'],
    ['a budget on an uncapped percentage', { name: 'X', kind: 'percent_off', percentOff: 10, validDays: 3, budgetCents: 1000 }, 'validation_failed', '/body/budgetCents'],
    ['a budget on a free item of unknown worth', { name: 'X', kind: 'free_item', freeItem: 'Tea', validDays: 3, budgetCents: 1000 }, 'validation_failed', '/body/budgetCents'],
    ['a per-person limit of 0', { ...amountOff, perPersonLimit: 0 }, 'validation_failed', '/body/perPersonLimit'],
    ['a negative quantity', { ...amountOff, totalQuantity: -1 }, 'validation_failed', '/body/totalQuantity'],
    ['a malformed store id', { ...amountOff, storeIds: ['store-1'] }, 'validation_failed', '/body/storeIds/0'],
    ['an empty name', { ...amountOff, name: '' }, 'validation_failed', '/body/name'],
  ])('rejects %s and writes nothing', async (_label, payload, code, path) => {
    const before = await tableCounts(t);
    const res = await post('/api/offers', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('refuses a store that does not exist or is archived', async () => {
    const archived = await newStore(t, owner, 'Closed');
    await t.app.inject({ method: 'PATCH', url: `/api/stores/${archived}`, headers: { cookie: owner.cookie }, payload: { archived: true } });
    for (const storeIds of [['sto_01JD3W6Q0S7RK9V2B8X4M5N6PA'], [archived]]) {
      const before = await tableCounts(t);
      const res = await post('/api/offers', { ...amountOff, storeIds });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('invalid_reference');
      expect(await tableCounts(t)).toEqual(before);
    }
  });

  it('moves only along draft → live ⇄ paused → ended', async () => {
    const offer = await createOffer();
    const steps: [string, number, string][] = [
      ['paused', 409, 'draft'],
      ['ended', 409, 'draft'],
      ['live', 200, 'live'],
      ['live', 409, 'live'],
      ['paused', 200, 'paused'],
      ['live', 200, 'live'],
      ['paused', 200, 'paused'],
      ['ended', 200, 'ended'],
      ['live', 409, 'ended'],
      ['paused', 409, 'ended'],
    ];
    for (const [to, status, after] of steps) {
      const res = await setState(offer.id, to);
      expect(res.statusCode, `→ ${to}`).toBe(status);
      if (status === 409) expect(res.json().error.code).toBe('invalid_state_transition');
      const now = await t.app.inject({ url: `/api/offers/${offer.id}`, headers: { cookie: owner.cookie } });
      expect(now.json().state).toBe(after);
    }
    const draftAgain = await setState(offer.id, 'draft');
    expect(draftAgain.json().error.code).toBe('validation_failed');
    const edit = await t.app.inject({ method: 'PATCH', url: `/api/offers/${offer.id}`, headers: { cookie: owner.cookie }, payload: { name: 'Too late' } });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('offer_ended');
  });

  it('edits a live offer without changing coupons already claimed, and shows live counts', async () => {
    const offer = await createOffer({ ...amountOff, totalQuantity: 10 });
    await setState(offer.id, 'live');
    const coupon = await claimVerified(t.database.handle.db, owner.merchantId, { offerId: offer.id, phone: '+8613800000001', visitorId: null, slotId: null });
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/offers/${offer.id}`,
      headers: { cookie: owner.cookie },
      payload: { amountOffCents: 500, name: '¥5 off', validFrom: '2030-01-01', validUntil: '2030-01-31' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json()).toMatchObject({ amountOffCents: 500, name: '¥5 off', validDays: null, validFrom: '2030-01-01', claimed: 1, remaining: 9, redeemed: 0 });
    const kept = await t.app.inject({ url: `/api/coupons/${coupon.coupon_id}`, headers: { cookie: owner.cookie } });
    expect(kept.json().terms).toMatchObject({ name: '¥20 off', amountOffCents: 2000 });
    expect(new Date(kept.json().validUntil).getTime()).toBeLessThan(new Date('2030-01-01').getTime());

    const below = await t.app.inject({ method: 'PATCH', url: `/api/offers/${offer.id}`, headers: { cookie: owner.cookie }, payload: { totalQuantity: 0 } });
    expect(below.statusCode).toBe(400);
    expect(below.json().error.details[0].path).toBe('/body/totalQuantity');
    const mixed = await t.app.inject({ method: 'PATCH', url: `/api/offers/${offer.id}`, headers: { cookie: owner.cookie }, payload: { percentOff: 10 } });
    expect(mixed.json().error.details[0].path).toBe('/body/percentOff');
    const empty = await t.app.inject({ method: 'PATCH', url: `/api/offers/${offer.id}`, headers: { cookie: owner.cookie }, payload: {} });
    expect(empty.json().error.code).toBe('validation_failed');
  });

  it('lets every role read offers but only owners and managers change them', async () => {
    const clerk = await newStaff(t, owner, 'clerk', [store]);
    const manager = await newStaff(t, owner, 'manager');
    const offer = await createOffer(amountOff, manager.cookie);
    expect((await t.app.inject({ url: '/api/offers', headers: { cookie: clerk.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/offers/${offer.id}`, headers: { cookie: clerk.cookie } })).statusCode).toBe(200);
    for (const [method, url, payload] of [
      ['POST', '/api/offers', amountOff],
      ['PATCH', `/api/offers/${offer.id}`, { name: 'Mine' }],
      ['POST', `/api/offers/${offer.id}/state`, { state: 'live' }],
      ['GET', `/api/offers/${offer.id}/coupons`, undefined],
    ] as const) {
      const before = await tableCounts(t);
      const res = await t.app.inject({ method, url, headers: { cookie: clerk.cookie }, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
      expect(await tableCounts(t)).toEqual(before);
    }
  });

  it('manages the time slots of a booking offer', async () => {
    const offer = await createOffer({ name: 'Haircut', kind: 'booking', freeItem: 'Haircut', itemValueCents: 8000, storeIds: [store] });
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const endsAt = new Date(Date.now() + 86_400_000 + 3_600_000).toISOString();
    const slot = await post(`/api/offers/${offer.id}/slots`, { storeId: store, startsAt, endsAt, capacity: 3 });
    expect(slot.statusCode, slot.body).toBe(201);
    expect(slot.json()).toMatchObject({ storeId: store, capacity: 3, booked: 0, remaining: 3 });
    const other = await newStore(t, owner, 'Elsewhere');
    expect((await post(`/api/offers/${offer.id}/slots`, { storeId: other, startsAt, endsAt, capacity: 3 })).json().error.details[0].path).toBe('/body/storeId');
    expect((await post(`/api/offers/${offer.id}/slots`, { storeId: store, startsAt: endsAt, endsAt: startsAt, capacity: 3 })).json().error.details[0].path).toBe('/body/endsAt');
    const plain = await createOffer();
    expect((await post(`/api/offers/${plain.id}/slots`, { storeId: store, startsAt, endsAt, capacity: 3 })).json().error.code).toBe('validation_failed');
    const list = await t.app.inject({ url: `/api/offers/${offer.id}/slots`, headers: { cookie: owner.cookie } });
    expect(list.json().data).toHaveLength(1);
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/offers/${offer.id}/slots/${slot.json().id}`, headers: { cookie: owner.cookie } });
    expect(removed.statusCode).toBe(204);
  });
});

describe('offers across merchants', () => {
  it("answers 404 for another merchant's offers and coupons", async () => {
    const other = await newMerchant(t, 'Other Bakery');
    const theirs = await createOffer(amountOff, other.cookie);
    await setState(theirs.id, 'live', other.cookie);
    const coupon = await claimVerified(t.database.handle.db, other.merchantId, { offerId: theirs.id, phone: '+8613800000002', visitorId: null, slotId: null });
    for (const [method, url, payload] of [
      ['GET', `/api/offers/${theirs.id}`, undefined],
      ['PATCH', `/api/offers/${theirs.id}`, { name: 'Stolen' }],
      ['POST', `/api/offers/${theirs.id}/state`, { state: 'ended' }],
      ['GET', `/api/offers/${theirs.id}/coupons`, undefined],
      ['GET', `/api/offers/${theirs.id}/slots`, undefined],
      ['GET', `/api/coupons/${coupon.coupon_id}`, undefined],
      ['GET', `/api/coupons/${coupon.coupon_id}/qr.svg`, undefined],
    ] as const) {
      const before = await tableCounts(t);
      const res = await t.app.inject({ method, url, headers: { cookie: owner.cookie }, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      expect(await tableCounts(t)).toEqual(before);
    }
    const mine = await t.app.inject({ url: '/api/offers', headers: { cookie: owner.cookie } });
    expect(mine.json().data.map((o: { id: string }) => o.id)).not.toContain(theirs.id);
  });

  it('serves the QR code of a coupon to its own merchant', async () => {
    const offer = await createOffer();
    await setState(offer.id, 'live');
    const coupon = await claimVerified(t.database.handle.db, owner.merchantId, { offerId: offer.id, phone: '+8613800000003', visitorId: null, slotId: null });
    const svg = await t.app.inject({ url: `/api/coupons/${coupon.coupon_id}/qr.svg`, headers: { cookie: owner.cookie } });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('<svg');
    const png = await t.app.inject({ url: `/api/coupons/${coupon.coupon_id}/qr.png?size=256`, headers: { cookie: owner.cookie } });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
  });
});
