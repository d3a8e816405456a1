import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newMerchant, newStore, type SignedInOwner, type TestApp } from './helpers.js';

/** GET /api/public/m/:merchantId/stores/:storeId: the customer's store page, no sign-in. */

let t: TestApp;
let owner: SignedInOwner;
let other: SignedInOwner;
let jingan: string;
let xuhui: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t, 'Golden Crust');
  other = await newMerchant(t, 'Another Bakery');
  jingan = await newStore(t, owner, 'Jing’an');
  xuhui = await newStore(t, owner, 'Xuhui');
  const patch = await t.app.inject({
    method: 'PATCH',
    url: `/api/stores/${jingan}`,
    headers: { cookie: owner.cookie },
    payload: { address: '1 Nanjing West Road', phone: '021 6000 0000', openingHours: { mon: [['08:00', '20:00']], sat: [['09:00', '13:00'], ['15:00', '22:00']] } },
  });
  expect(patch.statusCode, patch.body).toBe(200);
});
afterAll(async () => t.close());

async function offer(payload: object, state: 'live' | 'paused' | 'draft' = 'live'): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/offers',
    headers: { cookie: owner.cookie },
    payload: { kind: 'amount_off', amountOffCents: 1000, validDays: 7, ...payload },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id: string = res.json().id;
  if (state !== 'draft') expect((await t.app.inject({ method: 'POST', url: `/api/offers/${id}/state`, headers: { cookie: owner.cookie }, payload: { state: 'live' } })).statusCode).toBe(200);
  if (state === 'paused') expect((await t.app.inject({ method: 'POST', url: `/api/offers/${id}/state`, headers: { cookie: owner.cookie }, payload: { state: 'paused' } })).statusCode).toBe(200);
  return id;
}

const page = (storeId: string, merchantId = owner.merchantId) => t.app.inject({ url: `/api/public/m/${merchantId}/stores/${storeId}` });

describe('the public store page', () => {
  it('shows address, hours and the offers that can be claimed there now, newest first', async () => {
    const everywhere = await offer({ name: 'Everywhere ¥10 off' });
    const here = await offer({ name: 'Jing’an coffee', kind: 'free_item', freeItem: 'A coffee', amountOffCents: null, storeIds: [jingan], totalQuantity: 50 });
    await offer({ name: 'Xuhui only', storeIds: [xuhui] });
    await offer({ name: 'Paused', storeIds: [jingan] }, 'paused');
    await offer({ name: 'Draft', storeIds: [jingan] }, 'draft');
    await offer({ name: 'Sold out', storeIds: [jingan], totalQuantity: 0 });
    await offer({ name: 'Over', storeIds: [jingan], validDays: null, validFrom: '2020-01-01', validUntil: '2020-01-31' });

    const res = await page(jingan);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: jingan,
      merchant: { id: owner.merchantId, name: 'Golden Crust' },
      name: 'Jing’an',
      address: '1 Nanjing West Road',
      phone: '021 6000 0000',
      openingHours: { mon: [['08:00', '20:00']], sat: [['09:00', '13:00'], ['15:00', '22:00']] },
    });
    expect(body.offers.map((o: { name: string }) => o.name)).toEqual(['Jing’an coffee', 'Everywhere ¥10 off']);
    expect(body.offers[0]).toEqual({
      id: here,
      name: 'Jing’an coffee',
      description: '',
      kind: 'free_item',
      amountOffCents: null,
      percentOff: null,
      maxDiscountCents: null,
      freeItem: 'A coffee',
      minSpendCents: null,
      currency: 'CNY',
      validFrom: null,
      validUntil: null,
      validDays: 7,
      remaining: 50,
    });
    expect(body.offers[1].id).toBe(everywhere);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers not_found for an archived store, another merchant’s store, and an unknown one', async () => {
    const archived = await newStore(t, owner, 'Closed for good');
    expect((await t.app.inject({ method: 'PATCH', url: `/api/stores/${archived}`, headers: { cookie: owner.cookie }, payload: { archived: true } })).statusCode).toBe(200);
    const elsewhere = await newStore(t, other, 'Their store');
    for (const [storeId, merchantId] of [
      [archived, owner.merchantId],
      [elsewhere, owner.merchantId],
      [jingan, other.merchantId],
      ['sto_01J00000000000000000000000', owner.merchantId],
    ] as const) {
      const res = await page(storeId, merchantId);
      expect(res.statusCode, `${storeId} of ${merchantId}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });

  it('rejects malformed ids with invalid_id', async () => {
    for (const url of [`/api/public/m/${owner.merchantId}/stores/nope`, `/api/public/m/nope/stores/${jingan}`]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('invalid_id');
    }
  });
});
