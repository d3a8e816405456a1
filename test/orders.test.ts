import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTenant } from '../src/platform/db.js';
import { newId } from '../src/platform/ids.js';
import { createTestApp, newMerchant, newStaff, newStore, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

let t: TestApp;
let owner: SignedInOwner;
let store: string;

beforeAll(async () => {
  t = await createTestApp({ config: { EXTRA_PAYMENT_METHODS: 'meituan_pay' } });
  owner = await newMerchant(t);
  store = await newStore(t, owner, '南京西路店');
});
afterAll(async () => t.close());

type Auth = { cookie: string } | { token: string };
const headersOf = (auth: Auth) => ('cookie' in auth ? { cookie: auth.cookie } : { authorization: `Bearer ${auth.token}` });

function saleBody(overrides: Record<string, unknown> = {}) {
  return {
    storeId: store,
    items: [
      { name: '可颂', sku: 'CR-01', quantity: 2, unitPriceCents: 1200 },
      { name: 'Latte', quantity: 1, unitPriceCents: 2800 },
    ],
    discountCents: 500,
    totalCents: 4700,
    paymentMethod: 'wechat_pay',
    ...overrides,
  };
}

async function postOrder(auth: Auth, payload: object, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/orders', headers: { ...headersOf(auth), ...headers }, payload });
}

async function outboxOf(merchantId: string, type: string): Promise<Record<string, unknown>[]> {
  const rows = await inTenant(t.database.handle.db, merchantId, (tx) =>
    tx.selectFrom('outbox').select('payload').where('merchant_id', '=', merchantId).where('event_type', '=', type).orderBy('outbox_id').execute(),
  );
  return rows.map((r) => (r.payload as unknown as { data: Record<string, unknown> }).data);
}

async function visitsOf(merchantId: string, orderId: string) {
  return inTenant(t.database.handle.db, merchantId, (tx) =>
    tx.selectFrom('store_visits').selectAll().where('merchant_id', '=', merchantId).where('source', '=', 'order').where('source_id', '=', orderId).execute(),
  );
}

async function secretKey(role: 'owner' | 'manager' | 'clerk', storeIds: string[] = []): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/keys',
    headers: { cookie: owner.cookie },
    payload: { kind: 'secret', name: `till ${role}`, role, ...(storeIds.length ? { storeIds } : {}) },
  });
  expect(res.statusCode).toBe(201);
  return res.json().token;
}

describe('recording a sale', () => {
  it('records an anonymous sale with its items, in the merchant currency, and announces it', async () => {
    const res = await postOrder(owner, saleBody());
    expect(res.statusCode).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      storeId: store,
      externalId: null,
      status: 'completed',
      currency: 'CNY',
      subtotalCents: 5200,
      discountCents: 500,
      totalCents: 4700,
      refundedCents: 0,
      paymentMethod: 'wechat_pay',
      member: null,
      memberId: null,
      attribution: null,
      refunds: [],
      createdBy: `staff:${owner.staffId}`,
      items: [
        { line: 1, name: '可颂', sku: 'CR-01', quantity: 2, unitPriceCents: 1200, amountCents: 2400 },
        { line: 2, name: 'Latte', sku: null, quantity: 1, unitPriceCents: 2800, amountCents: 2800 },
      ],
    });
    expect(order.id).toMatch(/^ord_/);
    expect(Date.now() - Date.parse(order.occurredAt)).toBeLessThan(60_000);
    const again = await t.app.inject({ url: `/api/orders/${order.id}`, headers: { cookie: owner.cookie } });
    expect(again.json()).toEqual(order);
    const events = await outboxOf(owner.merchantId, 'order.created');
    expect(events.at(-1)).toMatchObject({ id: order.id, totalCents: 4700, items: order.items });
    expect(events.at(-1)).not.toHaveProperty('member');
    // No member, no visit to count.
    expect(await visitsOf(owner.merchantId, order.id)).toEqual([]);
  });

  it('stitches the member from a phone, counts a store visit, and shows the phone masked to clerks', async () => {
    const occurredAt = '2026-01-15T10:30:00.000Z';
    const res = await postOrder(owner, saleBody({ occurredAt, member: { phone: '138 1234 5678' }, paymentMethod: 'cash', currency: 'HKD' }));
    expect(res.statusCode).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({ occurredAt, currency: 'HKD', paymentMethod: 'cash', member: { phone: '+8613812345678', name: null }, attribution: null });
    expect(order.memberId).toMatch(/^mbr_/);
    expect(order.member.id).toBe(order.memberId);
    const visits = await visitsOf(owner.merchantId, order.id);
    expect(visits).toMatchObject([{ member_id: order.memberId, store_id: store, source: 'order' }]);
    expect(visits[0]!.occurred_at.toISOString()).toBe(occurredAt);

    // The same person, known by the same phone in another format: the same member.
    const second = await postOrder(owner, saleBody({ member: { phone: '+86 138-1234-5678', externalId: 'card:88001234' } }));
    expect(second.json().memberId).toBe(order.memberId);
    const byCard = await postOrder(owner, saleBody({ member: { externalId: 'CARD:88001234' } }));
    expect(byCard.json().memberId).toBe(order.memberId);
    const byId = await postOrder(owner, saleBody({ member: { memberId: order.memberId } }));
    expect(byId.json().memberId).toBe(order.memberId);

    const clerk = await newStaff(t, owner, 'clerk', [store]);
    const seen = await t.app.inject({ url: `/api/orders/${order.id}`, headers: { cookie: clerk.cookie } });
    expect(seen.json().member.phone).toBe('+86138****5678');
    const rung = await postOrder(clerk, saleBody({ member: { phone: '13812345678' } }));
    expect(rung.json().member.phone).toBe('+86138****5678');
  });

  it('attributes the sale to the last tap within the window, once and for good', async () => {
    const channel = await t.app.inject({ method: 'POST', url: '/api/channels', headers: { cookie: owner.cookie }, payload: { name: '小红书', kind: 'social' } });
    const link = await t.app.inject({
      method: 'POST',
      url: '/api/links',
      headers: { cookie: owner.cookie },
      payload: { channelId: channel.json().id, destination: 'https://shop.example.com/deal' },
    });
    const visitorId = newId('visitor');
    const clickId = newId('click');
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
    await inTenant(t.database.handle.db, owner.merchantId, (tx) =>
      tx
        .insertInto('clicks')
        .values([
          { merchant_id: owner.merchantId, click_id: newId('click'), link_id: link.json().id, channel_id: channel.json().id, visitor_id: visitorId, occurred_at: at(40), is_scan: false, referrer: null, ip_hash: null, ua_family: null, country: null, region: null },
          { merchant_id: owner.merchantId, click_id: clickId, link_id: link.json().id, channel_id: channel.json().id, visitor_id: visitorId, occurred_at: at(3), is_scan: true, referrer: null, ip_hash: null, ua_family: null, country: null, region: null },
        ])
        .execute(),
    );
    const res = await postOrder(owner, saleBody({ member: { visitorId, phone: '13900001111' } }));
    expect(res.statusCode).toBe(201);
    expect(res.json().attribution).toEqual({ clickId, linkId: link.json().id, channelId: channel.json().id });

    // A sale from before that click, outside the window of the older one: direct.
    const early = await postOrder(owner, saleBody({ occurredAt: at(5).toISOString(), member: { phone: '13900001111' } }));
    expect(early.json().attribution).toBeNull();

    // A later click does not move the attribution of a sale already recorded.
    await inTenant(t.database.handle.db, owner.merchantId, (tx) =>
      tx
        .insertInto('clicks')
        .values({ merchant_id: owner.merchantId, click_id: newId('click'), link_id: link.json().id, channel_id: channel.json().id, visitor_id: visitorId, occurred_at: new Date(), is_scan: false, referrer: null, ip_hash: null, ua_family: null, country: null, region: null })
        .execute(),
    );
    const reread = await t.app.inject({ url: `/api/orders/${res.json().id}`, headers: { cookie: owner.cookie } });
    expect(reread.json().attribution).toEqual({ clickId, linkId: link.json().id, channelId: channel.json().id });
  });

  it('takes a secret key, extra payment methods from the configuration, and refuses a publishable key', async () => {
    const token = await secretKey('manager');
    const res = await postOrder({ token }, saleBody({ paymentMethod: 'meituan_pay' }));
    expect(res.statusCode).toBe(201);
    expect(res.json().createdBy).toMatch(/^key:key_/);
    const pk = await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload: { kind: 'publishable', name: 'web' } });
    const refused = await postOrder({ token: pk.json().token }, saleBody());
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('key_not_allowed');
  });
});

describe('externalId', () => {
  it('the same sale sent twice is one order; a different sale under the same id is a conflict', async () => {
    const body = saleBody({ externalId: 'till-1:20260115:0042', member: { phone: '13700001234' } });
    const first = await postOrder(owner, body);
    expect(first.statusCode).toBe(201);
    const before = await tableCounts(t);
    const again = await postOrder(owner, { ...body, items: [...body.items] });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await tableCounts(t)).toEqual(before);

    const different = await postOrder(owner, { ...body, paymentMethod: 'alipay' });
    expect(different.statusCode).toBe(409);
    expect(different.json().error.code).toBe('order_conflict');
    expect(different.json().error.message).toContain(first.json().id);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('sent by several tills at once, one order is recorded and all get it', async () => {
    const body = saleBody({ externalId: 'race-1', member: { phone: '13700009999' } });
    const before = await tableCounts(t);
    const results = await Promise.all(Array.from({ length: 6 }, () => postOrder(owner, body)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    const after = await tableCounts(t);
    expect(after.orders).toBe(before.orders! + 1);
    expect(after.members).toBe(before.members! + 1);
    expect(after.outbox).toBe(before.outbox! + 1);
  });
});

describe('refunds and voids', () => {
  async function newOrder(extra: Record<string, unknown> = {}) {
    const res = await postOrder(owner, saleBody({ member: { phone: '13600001111' }, ...extra }));
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; memberId: string };
  }
  const refund = (orderId: string, payload: object, auth: Auth = owner) =>
    t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/refunds`, headers: headersOf(auth), payload });
  const voidIt = (orderId: string, payload: object, auth: Auth = owner) =>
    t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/void`, headers: headersOf(auth), payload });

  it('refunds in parts, never more than is left, and records each refund', async () => {
    const order = await newOrder();
    const part = await refund(order.id, { amountCents: 1200, reason: 'one croissant was burnt' });
    expect(part.statusCode).toBe(201);
    expect(part.json().refund).toMatchObject({ kind: 'refund', amountCents: 1200, reason: 'one croissant was burnt', createdBy: `staff:${owner.staffId}` });
    expect(part.json().order).toMatchObject({ status: 'partially_refunded', refundedCents: 1200, totalCents: 4700 });

    const before = await tableCounts(t);
    const tooMuch = await refund(order.id, { amountCents: 3501, reason: 'x' });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().error).toMatchObject({ code: 'refund_exceeds_remaining', message: 'At most 3500 is left to refund on this order.' });
    expect(await tableCounts(t)).toEqual(before);

    const rest = await refund(order.id, { reason: 'customer unhappy' });
    expect(rest.statusCode).toBe(201);
    expect(rest.json().refund.amountCents).toBe(3500);
    expect(rest.json().order).toMatchObject({ status: 'refunded', refundedCents: 4700 });
    expect(rest.json().order.refunds.map((r: { amountCents: number }) => r.amountCents)).toEqual([1200, 3500]);

    const nothingLeft = await refund(order.id, { reason: 'again' });
    expect(nothingLeft.json().error).toMatchObject({ code: 'refund_exceeds_remaining', message: 'The order is already refunded in full.' });
    const events = (await outboxOf(owner.merchantId, 'order.refunded')).filter((e) => e.orderId === order.id);
    expect(events.map((e) => [e.status, e.refundedCents])).toEqual([
      ['partially_refunded', 1200],
      ['refunded', 4700],
    ]);
    // The visit happened: a refund does not undo it.
    expect(await visitsOf(owner.merchantId, order.id)).toHaveLength(1);
    const got = await t.app.inject({ url: `/api/orders/${order.id}`, headers: { cookie: owner.cookie } });
    expect(got.json()).toEqual(rest.json().order);
  });

  it('two refunds at once never give back more than the total', async () => {
    const order = await newOrder();
    const results = await Promise.all([refund(order.id, { amountCents: 3000, reason: 'a' }), refund(order.id, { amountCents: 3000, reason: 'b' })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const got = await t.app.inject({ url: `/api/orders/${order.id}`, headers: { cookie: owner.cookie } });
    expect(got.json()).toMatchObject({ refundedCents: 3000, status: 'partially_refunded' });
  });

  it('voids a sale: kept as void, no longer a visit, and then takes no refund', async () => {
    const order = await newOrder();
    const res = await voidIt(order.id, { reason: 'rung up twice' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: order.id, status: 'void', refundedCents: 0, refunds: [{ kind: 'void', amountCents: 4700, reason: 'rung up twice' }] });
    expect(await visitsOf(owner.merchantId, order.id)).toEqual([]);
    expect((await outboxOf(owner.merchantId, 'order.voided')).filter((e) => e.orderId === order.id)).toHaveLength(1);

    const before = await tableCounts(t);
    for (const res of [await refund(order.id, { reason: 'x' }), await voidIt(order.id, { reason: 'x' })]) {
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('order_voided');
    }
    expect(await tableCounts(t)).toEqual(before);
  });

  it('an order with a refund cannot be voided', async () => {
    const order = await newOrder();
    await refund(order.id, { amountCents: 100, reason: 'x' });
    const before = await tableCounts(t);
    const res = await voidIt(order.id, { reason: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('order_not_voidable');
    expect(await tableCounts(t)).toEqual(before);
  });

  it('refunds and voids take an owner or manager', async () => {
    const order = await newOrder();
    const clerk = await newStaff(t, owner, 'clerk', [store]);
    const manager = await newStaff(t, owner, 'manager');
    const before = await tableCounts(t);
    for (const res of [await refund(order.id, { reason: 'x' }, clerk), await voidIt(order.id, { reason: 'x' }, clerk), await refund(order.id, { reason: 'x' }, { token: await secretKey('clerk', [store]) })]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect(await tableCounts(t)).toEqual({ ...before, api_keys: before.api_keys! + 1 });
    expect((await refund(order.id, { amountCents: 100, reason: 'x' }, manager)).statusCode).toBe(201);
  });
});

describe('clerks and stores', () => {
  it('a clerk records and sees the orders of their stores only', async () => {
    const mine = await newStore(t, owner, 'Mine');
    const other = await newStore(t, owner, 'Other');
    const clerk = await newStaff(t, owner, 'clerk', [mine]);
    const own = await postOrder(clerk, saleBody({ storeId: mine }));
    expect(own.statusCode).toBe(201);
    const elsewhere = (await postOrder(owner, saleBody({ storeId: other }))).json();

    const before = await tableCounts(t);
    const refused = await postOrder(clerk, saleBody({ storeId: other }));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('store_not_allowed');
    const keyRefused = await postOrder({ token: await secretKey('clerk', [mine]) }, saleBody({ storeId: other }));
    expect(keyRefused.json().error.code).toBe('store_not_allowed');
    expect(await tableCounts(t)).toEqual({ ...before, api_keys: before.api_keys! + 1 });

    const one = await t.app.inject({ url: `/api/orders/${elsewhere.id}`, headers: { cookie: clerk.cookie } });
    expect(one.statusCode).toBe(403);
    expect(one.json().error.code).toBe('store_not_allowed');
    const list = await t.app.inject({ url: '/api/orders', headers: { cookie: clerk.cookie } });
    expect(list.json().data.map((o: { id: string }) => o.id)).toEqual([own.json().id]);
    const filtered = await t.app.inject({ url: `/api/orders?storeId=${other}`, headers: { cookie: clerk.cookie } });
    expect(filtered.json().error.code).toBe('store_not_allowed');
  });
});

describe('listing', () => {
  it('filters by store, period, payment method, member and status, a page at a time', async () => {
    const shop = await newStore(t, owner, 'List shop');
    const phone = '13500002222';
    const made: string[] = [];
    for (const [i, method] of ['cash', 'alipay', 'cash', 'unionpay', 'cash'].entries()) {
      const res = await postOrder(owner, saleBody({ storeId: shop, paymentMethod: method, occurredAt: `2026-02-0${i + 1}T12:00:00.000Z`, ...(i % 2 === 0 ? { member: { phone } } : {}) }));
      made.push(res.json().id);
    }
    const list = async (query: string) => {
      const res = await t.app.inject({ url: `/api/orders?storeId=${shop}&${query}`, headers: { cookie: owner.cookie } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { data: { id: string }[]; nextCursor: string | null };
    };
    expect((await list('')).data.map((o) => o.id)).toEqual([...made].reverse());
    expect((await list('paymentMethod=cash')).data.map((o) => o.id)).toEqual([made[4], made[2], made[0]]);
    expect((await list('from=2026-02-02T00:00:00Z&to=2026-02-04T00:00:00Z')).data.map((o) => o.id)).toEqual([made[2], made[1]]);
    const memberId = (await t.app.inject({ url: `/api/orders/${made[0]}`, headers: { cookie: owner.cookie } })).json().memberId;
    expect((await list(`memberId=${memberId}`)).data.map((o) => o.id)).toEqual([made[4], made[2], made[0]]);

    const page1 = await list('limit=2');
    expect(page1.data.map((o) => o.id)).toEqual([made[4], made[3]]);
    expect(page1.nextCursor).toBe(made[3]);
    const page2 = await list(`limit=2&cursor=${page1.nextCursor}`);
    expect(page2.data.map((o) => o.id)).toEqual([made[2], made[1]]);
    const page3 = await list(`limit=2&cursor=${page2.nextCursor}`);
    expect(page3).toEqual({ data: [expect.objectContaining({ id: made[0] })], nextCursor: null });

    await t.app.inject({ method: 'POST', url: `/api/orders/${made[1]}/void`, headers: { cookie: owner.cookie }, payload: { reason: 'test' } });
    expect((await list('status=void')).data.map((o) => o.id)).toEqual([made[1]]);
  });

  it('a member filter follows merges: orders of both halves of one person', async () => {
    const visitorId = newId('visitor');
    const byPhone = (await postOrder(owner, saleBody({ member: { phone: '13400003333' } }))).json();
    const byVisitor = (await postOrder(owner, saleBody({ member: { visitorId } }))).json();
    expect(byPhone.memberId).not.toBe(byVisitor.memberId);
    const both = (await postOrder(owner, saleBody({ member: { phone: '13400003333', visitorId } }))).json();
    for (const memberId of [byPhone.memberId, byVisitor.memberId]) {
      const res = await t.app.inject({ url: `/api/orders?memberId=${memberId}`, headers: { cookie: owner.cookie } });
      expect(res.json().data.map((o: { id: string }) => o.id).sort()).toEqual([byPhone.id, byVisitor.id, both.id].sort());
    }
  });
});

describe('bad input', () => {
  const unknownStore = 'sto_01JD3W6Q0S7RK9V2B8X4M5N6PA';
  it.each([
    ['no items', { items: [] }, 400, 'validation_failed', '/body/items'],
    ['a total that does not add up', { totalCents: 4600 }, 422, 'order_total_mismatch', '/body/totalCents'],
    ['a discount larger than the items', { discountCents: 6000, totalCents: 0 }, 422, 'order_total_mismatch', '/body/discountCents'],
    ['an unknown payment method', { paymentMethod: 'douyin_pay' }, 400, 'validation_failed', '/body/paymentMethod'],
    ['a price as text', { items: [{ name: 'x', quantity: 1, unitPriceCents: '100' }], totalCents: 100, discountCents: 0 }, 400, 'validation_failed', '/body/items/0/unitPriceCents'],
    ['a fractional quantity', { items: [{ name: 'x', quantity: 1.5, unitPriceCents: 100 }], totalCents: 150, discountCents: 0 }, 400, 'validation_failed', '/body/items/0/quantity'],
    ['a negative total', { totalCents: -1 }, 400, 'validation_failed', '/body/totalCents'],
    ['a misspelt field', { paymentMethd: 'cash' }, 400, 'unknown_field', '/body/paymentMethd'],
    ['a misspelt item field', { items: [{ name: 'x', qty: 1, quantity: 1, unitPriceCents: 100 }], totalCents: 100, discountCents: 0 }, 400, 'unknown_field', '/body/items/0/qty'],
    ['a lower-case currency', { currency: 'cny' }, 400, 'validation_failed', '/body/currency'],
    ['a sale far in the future', { occurredAt: new Date(Date.now() + 3 * 3600_000).toISOString() }, 400, 'validation_failed', '/body/occurredAt'],
    ['a malformed store id', { storeId: 'store-1' }, 400, 'validation_failed', '/body/storeId'],
    ['an unknown store', { storeId: unknownStore }, 422, 'invalid_reference', '/body/storeId'],
    ['an empty member', { member: {} }, 400, 'validation_failed', '/body/member'],
    ['an unreadable phone', { member: { phone: '12345' } }, 400, 'validation_failed', '/body/member/phone'],
    ['an external id without namespace', { member: { externalId: 'no-namespace' } }, 400, 'validation_failed', '/body/member/externalId'],
    ['an unknown member id', { member: { memberId: 'mbr_01JD3W6Q0S7RK9V2B8X4M5N6PA', phone: '13812340000' } }, 422, 'invalid_reference', '/body/member/memberId'],
    ['an empty external id', { externalId: '' }, 400, 'validation_failed', '/body/externalId'],
  ])('refuses %s and writes nothing', async (_label, overrides, status, code, path) => {
    const before = await tableCounts(t);
    const res = await postOrder(owner, saleBody(overrides));
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('an archived store takes no orders', async () => {
    const closed = await newStore(t, owner, 'Closed');
    await t.app.inject({ method: 'PATCH', url: `/api/stores/${closed}`, headers: { cookie: owner.cookie }, payload: { archived: true } });
    const res = await postOrder(owner, saleBody({ storeId: closed }));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('invalid_reference');
  });

  it.each([
    ['a zero amount', { amountCents: 0, reason: 'x' }, 'validation_failed'],
    ['no reason', { amountCents: 100 }, 'validation_failed'],
    ['an unknown field', { amountCents: 100, reason: 'x', items: [] }, 'unknown_field'],
  ])('refuses a refund with %s and writes nothing', async (_label, payload, code) => {
    const order = (await postOrder(owner, saleBody())).json();
    const before = await tableCounts(t);
    const res = await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/refunds`, headers: { cookie: owner.cookie }, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('a malformed order id is invalid_id, an unknown one not_found', async () => {
    expect((await t.app.inject({ url: '/api/orders/ord_nope', headers: { cookie: owner.cookie } })).json().error.code).toBe('invalid_id');
    const missing = await t.app.inject({ url: `/api/orders/${newId('order')}`, headers: { cookie: owner.cookie } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });
});

describe('tenancy', () => {
  it("one merchant can neither read nor change another's orders", async () => {
    const order = (await postOrder(owner, saleBody({ member: { phone: '13800007777' } }))).json();
    const other = await newMerchant(t, 'Other Bakery');
    const before = await tableCounts(t);
    const attempts = [
      await t.app.inject({ url: `/api/orders/${order.id}`, headers: { cookie: other.cookie } }),
      await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/refunds`, headers: { cookie: other.cookie }, payload: { reason: 'mine now' } }),
      await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/void`, headers: { cookie: other.cookie }, payload: { reason: 'mine now' } }),
    ];
    for (const res of attempts) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    const theirs = await postOrder(other, saleBody());
    expect(theirs.statusCode).toBe(422);
    expect(theirs.json().error.code).toBe('invalid_reference');
    const list = await t.app.inject({ url: `/api/orders?memberId=${order.memberId}`, headers: { cookie: other.cookie } });
    expect(list.json()).toEqual({ data: [], nextCursor: null });
    expect((await t.app.inject({ url: '/api/orders', headers: { cookie: other.cookie } })).json().data).toEqual([]);
    expect(await tableCounts(t)).toEqual(before);
    // The same externalId is free in another merchant.
    const otherStore = await newStore(t, other);
    const shared = await postOrder(other, saleBody({ storeId: otherStore, externalId: 'till-1:20260115:0042' }));
    expect(shared.statusCode).toBe(201);
  });
});
