import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { claimVerified } from '../src/offers/claim.js';
import { checkSymbol, formatCode } from '../src/offers/codes.js';
import { WRONG_CODE_FLOOR_MS } from '../src/offers/redeem.js';
import { inTenant } from '../src/platform/db.js';
import { createTestApp, newMerchant, newStaff, newStore, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

let t: TestApp;
let owner: SignedInOwner;
let storeA: string;
let storeB: string;
let clerkA: { staffId: string; cookie: string };
let clerkB: { staffId: string; cookie: string };

beforeAll(async () => {
  t = await createTestApp({ config: { COUNTER_FAILURES_PER_STAFF: '1000', COUNTER_FAILURES_PER_IP: '1000' } });
  owner = await newMerchant(t);
  storeA = await newStore(t, owner, 'A');
  storeB = await newStore(t, owner, 'B');
  clerkA = await newStaff(t, owner, 'clerk', [storeA]);
  clerkB = await newStaff(t, owner, 'clerk', [storeB]);
});
afterAll(async () => t.close());
afterEach(() => {
  vi.useRealTimers();
});

let counter = 0;
const newPhone = () => `+86139${String(30_000_000 + ++counter * 7907).slice(-8)}`;
const requestId = () => `till-${Date.now().toString(36)}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

async function liveOffer(payload: object = {}, who: SignedInOwner = owner): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/offers',
    headers: { cookie: who.cookie },
    payload: { name: '¥20 off', kind: 'amount_off', amountOffCents: 2000, validDays: 30, ...payload },
  });
  expect(res.statusCode, res.body).toBe(201);
  await t.app.inject({ method: 'POST', url: `/api/offers/${res.json().id}/state`, headers: { cookie: who.cookie }, payload: { state: 'live' } });
  return res.json().id;
}

/** A claimed coupon (the claim after verification; claims are tested in claims.test.ts). */
async function coupon(offerId: string, phone = newPhone(), merchantId = owner.merchantId): Promise<{ id: string; code: string; phone: string }> {
  const row = await claimVerified(t.database.handle.db, merchantId, { offerId, phone, visitorId: null, slotId: null });
  return { id: row.coupon_id, code: row.code, phone };
}

const lookup = (code: string, storeId: string, cookie = clerkA.cookie) =>
  t.app.inject({ method: 'POST', url: '/api/redemptions/lookup', headers: { cookie }, payload: { code, storeId } });
const redeem = (code: string, storeId: string, cookie = clerkA.cookie, extra: object = {}) =>
  t.app.inject({ method: 'POST', url: '/api/redemptions', headers: { cookie }, payload: { code, storeId, requestId: requestId(), ...extra } });
const undo = (redemptionId: string, storeId: string, cookie = clerkA.cookie) =>
  t.app.inject({ method: 'POST', url: `/api/redemptions/${redemptionId}/undo`, headers: { cookie }, payload: { storeId } });

async function countWhere(table: 'redemptions' | 'store_visits' | 'outbox', column: string, value: string): Promise<number> {
  const rows = await inTenant(t.database.handle.db, owner.merchantId, (tx) =>
    tx.selectFrom(table).selectAll().where('merchant_id', '=', owner.merchantId).execute(),
  );
  return rows.filter((r) => JSON.stringify(r).includes(value) && (column === '*' || column in r)).length;
}

describe('the counter', () => {
  it('looks a code up as typed, with the phone masked for every role', async () => {
    const offerId = await liveOffer({ minSpendCents: 5000 });
    const c = await coupon(offerId);
    const typed = ` ${formatCode(c.code).toLowerCase().replace(/-/g, ' ').replace(/1/g, 'l').replace(/0/g, 'o')} `;
    for (const cookie of [clerkA.cookie, owner.cookie]) {
      const res = await lookup(typed, storeA, cookie);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        coupon: { id: c.id, code: formatCode(c.code), status: 'valid', redeemable: true, problem: null, terms: { amountOffCents: 2000, minSpendCents: 5000 }, redemption: null },
        offer: { id: offerId, name: '¥20 off', state: 'live' },
        member: { phone: `+86139****${c.phone.slice(-4)}` },
      });
      expect(res.body).not.toContain(c.phone);
    }
  });

  it('confirms once; the same requestId answers the same; the store visit and outbox row are written with it', async () => {
    const offerId = await liveOffer({ minSpendCents: 5000 });
    const c = await coupon(offerId);
    const below = await redeem(c.code, storeA, clerkA.cookie, { amountCents: 4999 });
    expect(below.statusCode).toBe(422);
    expect(below.json().error.code).toBe('minimum_spend_not_met');

    const payload = { code: formatCode(c.code), storeId: storeA, requestId: requestId(), amountCents: 8800 };
    const first = await t.app.inject({ method: 'POST', url: '/api/redemptions', headers: { cookie: clerkA.cookie }, payload });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ couponId: c.id, offerId, storeId: storeA, amountCents: 8800, staffId: clerkA.staffId, keyId: null, undoneAt: null, terms: { amountOffCents: 2000 } });
    const before = await tableCounts(t);
    const again = await t.app.inject({ method: 'POST', url: '/api/redemptions', headers: { cookie: clerkA.cookie }, payload });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await tableCounts(t)).toEqual(before);

    const rid = first.json().id;
    expect(await countWhere('redemptions', '*', c.id)).toBe(1);
    expect(await countWhere('store_visits', 'source_id', rid)).toBe(1);
    expect(await countWhere('outbox', 'payload', rid)).toBe(1);

    const second = await redeem(c.code, storeA);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('coupon_already_redeemed');
    expect(await tableCounts(t)).toEqual(before);
    const reused = await t.app.inject({ method: 'POST', url: '/api/redemptions', headers: { cookie: clerkA.cookie }, payload: { ...payload, code: (await coupon(offerId)).code } });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('request_id_reused');

    const seen = await lookup(c.code, storeA);
    expect(seen.json().coupon).toMatchObject({ status: 'redeemed', redeemable: false, problem: 'coupon_already_redeemed', redemption: { id: rid, storeId: storeA } });
    const offer = await t.app.inject({ url: `/api/offers/${offerId}`, headers: { cookie: owner.cookie } });
    expect(offer.json()).toMatchObject({ claimed: 2, redeemed: 1 });
    const one = await t.app.inject({ url: `/api/redemptions/${rid}`, headers: { cookie: clerkA.cookie } });
    expect(one.json()).toEqual(first.json());
    expect((await t.app.inject({ url: `/api/redemptions/${rid}`, headers: { cookie: clerkB.cookie } })).json().error.code).toBe('store_not_allowed');
    const list = await t.app.inject({ url: `/api/redemptions?storeId=${storeA}`, headers: { cookie: clerkA.cookie } });
    expect(list.json().data.map((r: { id: string }) => r.id)).toContain(rid);
  });

  it('works with a clerk API key of the store, recording the key', async () => {
    const key = await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload: { kind: 'secret', name: 'Till 1', role: 'clerk', storeIds: [storeA] } });
    expect(key.statusCode, key.body).toBe(201);
    const c = await coupon(await liveOffer());
    const res = await t.app.inject({ method: 'POST', url: '/api/redemptions', headers: { authorization: `Bearer ${key.json().token}` }, payload: { code: c.code, storeId: storeA, requestId: requestId() } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ staffId: null, keyId: key.json().key.id });
    const elsewhere = await t.app.inject({ method: 'POST', url: '/api/redemptions/lookup', headers: { authorization: `Bearer ${key.json().token}` }, payload: { code: c.code, storeId: storeB } });
    expect(elsewhere.json().error.code).toBe('store_not_allowed');
  });
});

describe('wrong codes', () => {
  it('answers a mistyped, an unknown and another merchant’s code alike, after the same floor', async () => {
    const c = await coupon(await liveOffer());
    const other = await newMerchant(t, 'Other');
    const theirs = await coupon(await liveOffer({}, other), newPhone(), other.merchantId);
    const payload = c.code.slice(0, 11);
    const swapped = payload.slice(0, 3) + (payload[3] === '7' ? '8' : '7') + payload.slice(4);
    const unknown = `${swapped}${checkSymbol(swapped)}`;
    const mistyped = `${swapped}${c.code.slice(11)}`;
    const cases = { mistyped, unknown, theirs: theirs.code, garbage: 'hello' };
    const bodies = new Set<string>();
    for (const [label, code] of Object.entries(cases)) {
      for (const call of [() => lookup(code, storeA), () => redeem(code, storeA)]) {
        const before = await tableCounts(t);
        const started = performance.now();
        const res = await call();
        const took = performance.now() - started;
        expect(res.statusCode, label).toBe(404);
        expect(took, label).toBeGreaterThanOrEqual(WRONG_CODE_FLOOR_MS - 5);
        bodies.add(JSON.stringify(res.json()));
        expect(await tableCounts(t)).toEqual(before);
      }
    }
    expect([...bodies]).toEqual([JSON.stringify({ error: { code: 'invalid_coupon_code', message: 'No coupon has this code. Check it and try again.', docUrl: '/errors#invalid_coupon_code' } })]);
  });

  it('locks out a staff member, then an IP, after too many wrong codes — even for a right code', async () => {
    const limited = await createTestApp({ config: { COUNTER_FAILURES_PER_STAFF: '3', COUNTER_FAILURES_PER_IP: '5' } });
    try {
      const o = await newMerchant(limited);
      const s = await newStore(limited, o);
      const clerk = await newStaff(limited, o, 'clerk', [s]);
      const offer = await limited.app.inject({ method: 'POST', url: '/api/offers', headers: { cookie: o.cookie }, payload: { name: 'x', kind: 'amount_off', amountOffCents: 100, validDays: 3 } });
      await limited.app.inject({ method: 'POST', url: `/api/offers/${offer.json().id}/state`, headers: { cookie: o.cookie }, payload: { state: 'live' } });
      const right = (await claimVerified(limited.database.handle.db, o.merchantId, { offerId: offer.json().id, phone: newPhone(), visitorId: null, slotId: null })).code;
      const look = (code: string, cookie: string) => limited.app.inject({ method: 'POST', url: '/api/redemptions/lookup', headers: { cookie }, payload: { code, storeId: s } });
      for (let i = 0; i < 3; i++) expect((await look('0000-0000-0000', clerk.cookie)).json().error.code).toBe('invalid_coupon_code');
      const locked = await look(right, clerk.cookie);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('too_many_wrong_codes');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      // The owner is another person at the counter, but the same IP: two more wrong codes use it up.
      expect((await look(right, o.cookie)).statusCode).toBe(200);
      for (let i = 0; i < 2; i++) expect((await look('0000-0000-0000', o.cookie)).statusCode).toBe(404);
      expect((await look(right, o.cookie)).json().error.code).toBe('too_many_wrong_codes');
    } finally {
      await limited.close();
    }
  });
});

describe('where and when a coupon is valid', () => {
  it('refuses a coupon at a store the offer does not name', async () => {
    const c = await coupon(await liveOffer({ storeIds: [storeA] }));
    const res = await redeem(c.code, storeB, owner.cookie);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('coupon_not_valid_here');
    expect((await lookup(c.code, storeB, owner.cookie)).json().coupon).toMatchObject({ redeemable: false, problem: 'coupon_not_valid_here' });
    expect((await redeem(c.code, storeB, clerkA.cookie)).json().error.code).toBe('store_not_allowed');
    expect((await redeem(c.code, storeA, clerkA.cookie)).statusCode).toBe(201);
  });

  it('honours a date range: not before its first day, not after its last', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const later = await coupon(await liveOffer({ validDays: null, validFrom: day(3), validUntil: day(5) }));
    const res = await redeem(later.code, storeA);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('coupon_not_yet_valid');

    const now = await coupon(await liveOffer({ validDays: null, validFrom: day(-1), validUntil: day(1) }));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 4 * 86_400_000);
    const expired = await redeem(now.code, storeA);
    expect(expired.json().error.code).toBe('coupon_expired');
    vi.setSystemTime(Date.now() - 4 * 86_400_000 + 60_000);
    expect((await redeem(now.code, storeA)).statusCode).toBe(201);
  });

  it('honours N days after the claim', async () => {
    const offerId = await liveOffer({ validDays: 2 });
    const [a, b] = [await coupon(offerId), await coupon(offerId)];
    vi.useFakeTimers({ toFake: ['Date'] });
    const claimedAt = Date.now();
    vi.setSystemTime(claimedAt + 36 * 3_600_000);
    expect((await redeem(a.code, storeA)).statusCode).toBe(201);
    vi.setSystemTime(claimedAt + 4 * 86_400_000);
    expect((await redeem(b.code, storeA)).json().error.code).toBe('coupon_expired');
    expect((await lookup(b.code, storeA)).json().coupon.status).toBe('expired');
  });
});

describe('undo', () => {
  it('undoes within the window at the same store; the coupon can be used again and the visit is gone', async () => {
    const offerId = await liveOffer();
    const c = await coupon(offerId);
    const done = await redeem(c.code, storeA);
    const rid = done.json().id;
    expect((await undo(rid, storeB, owner.cookie)).json().error.code).toBe('redemption_other_store');
    expect((await undo(rid, storeA, clerkB.cookie)).json().error.code).toBe('store_not_allowed');
    const res = await undo(rid, storeA);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: rid, undoneAt: expect.any(String) });
    expect(await countWhere('store_visits', 'source_id', rid)).toBe(0);
    expect(await countWhere('outbox', 'payload', `"redemptionId":"${rid}"`)).toBe(2); // redeemed, undone
    expect((await undo(rid, storeA)).json().error.code).toBe('redemption_already_undone');
    expect((await lookup(c.code, storeA)).json().coupon).toMatchObject({ status: 'valid', redeemable: true });
    const offer = await t.app.inject({ url: `/api/offers/${offerId}`, headers: { cookie: owner.cookie } });
    expect(offer.json().redeemed).toBe(0);
    expect((await redeem(c.code, storeB, owner.cookie)).statusCode).toBe(201);
  });

  it('refuses an undo after REDEMPTION_UNDO_MINUTES', async () => {
    const c = await coupon(await liveOffer());
    const done = await redeem(c.code, storeA);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1_000);
    const before = await tableCounts(t);
    const res = await undo(done.json().id, storeA);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('undo_window_passed');
    expect(await tableCounts(t)).toEqual(before);
  });
});

describe('bad input at the counter', () => {
  it.each([
    ['lookup without a store', '/api/redemptions/lookup', { code: 'K7QM-3XV9-TDA2' }, 400, 'validation_failed'],
    ['lookup with a malformed store id', '/api/redemptions/lookup', { code: 'K7QM-3XV9-TDA2', storeId: 'A' }, 400, 'validation_failed'],
    ['lookup with an unknown field', '/api/redemptions/lookup', { code: 'K7QM-3XV9-TDA2', storeId: 'sto_01JD3W6Q0S7RK9V2B8X4M5N6PA', till: 1 }, 400, 'unknown_field'],
    ['confirm without a requestId', '/api/redemptions', { code: 'K7QM-3XV9-TDA2', storeId: 'sto_01JD3W6Q0S7RK9V2B8X4M5N6PA' }, 400, 'validation_failed'],
    ['confirm with a short requestId', '/api/redemptions', { code: 'K7QM-3XV9-TDA2', storeId: 'sto_01JD3W6Q0S7RK9V2B8X4M5N6PA', requestId: 'x' }, 400, 'validation_failed'],
    ['confirm with a negative amount', '/api/redemptions', { code: 'K7QM-3XV9-TDA2', storeId: 'sto_01JD3W6Q0S7RK9V2B8X4M5N6PA', requestId: 'till-0001', amountCents: -1 }, 400, 'validation_failed'],
    ['confirm at a store that does not exist', '/api/redemptions', { code: 'K7QM-3XV9-TDA2', storeId: 'sto_01JD3W6Q0S7RK9V2B8X4M5N6PA', requestId: 'till-0002' }, 422, 'invalid_reference'],
  ])('refuses %s and writes nothing', async (_label, url, payload, status, code) => {
    const before = await tableCounts(t);
    const res = await t.app.inject({ method: 'POST', url, headers: { cookie: owner.cookie }, payload });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('refuses an archived store', async () => {
    const closed = await newStore(t, owner, 'Closed');
    const c = await coupon(await liveOffer());
    await t.app.inject({ method: 'PATCH', url: `/api/stores/${closed}`, headers: { cookie: owner.cookie }, payload: { archived: true } });
    expect((await redeem(c.code, closed, owner.cookie)).json().error.code).toBe('invalid_reference');
  });
});

describe('merchants at the counter', () => {
  it("never reaches another merchant's redemptions", async () => {
    const other = await newMerchant(t, 'Far away');
    const theirStore = await newStore(t, other, 'Theirs');
    const theirs = await coupon(await liveOffer({}, other), newPhone(), other.merchantId);
    const res = await t.app.inject({ method: 'POST', url: '/api/redemptions', headers: { cookie: other.cookie }, payload: { code: theirs.code, storeId: theirStore, requestId: requestId() } });
    expect(res.statusCode).toBe(201);
    const rid = res.json().id;
    for (const [method, url, payload] of [
      ['GET', `/api/redemptions/${rid}`, undefined],
      ['POST', `/api/redemptions/${rid}/undo`, { storeId: storeA }],
    ] as const) {
      const r = await t.app.inject({ method, url, headers: { cookie: owner.cookie }, ...(payload ? { payload } : {}) });
      expect(r.statusCode, url).toBe(404);
      expect(r.json().error.code).toBe('not_found');
    }
    expect((await redeem(theirs.code, theirStore, owner.cookie)).json().error.code).toBe('invalid_reference');
  });
});

describe('confirmations under contention', () => {
  it('50 tills confirming one code at once: exactly one success and one redemption row', async () => {
    const c = await coupon(await liveOffer());
    const tills = [owner.cookie, clerkA.cookie, (await newStaff(t, owner, 'manager')).cookie, (await newStaff(t, owner, 'clerk', [storeA])).cookie];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => redeem(c.code, storeA, tills[i % tills.length])));
    const byStatus = new Map<number, number>();
    for (const r of results) byStatus.set(r.statusCode, (byStatus.get(r.statusCode) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ 201: 1, 409: 49 });
    expect(new Set(results.filter((r) => r.statusCode === 409).map((r) => r.json().error.code))).toEqual(new Set(['coupon_already_redeemed']));
    expect(await countWhere('redemptions', '*', c.id)).toBe(1);
    const rid = results.find((r) => r.statusCode === 201)!.json().id;
    expect(await countWhere('store_visits', 'source_id', rid)).toBe(1);
  });

  it('one till retrying the same requestId at once gets one redemption and the same answer each time', async () => {
    const c = await coupon(await liveOffer());
    const payload = { code: c.code, storeId: storeA, requestId: requestId() };
    const results = await Promise.all(Array.from({ length: 10 }, () => t.app.inject({ method: 'POST', url: '/api/redemptions', headers: { cookie: clerkA.cookie }, payload })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    expect(await countWhere('redemptions', '*', c.id)).toBe(1);
  });
});
