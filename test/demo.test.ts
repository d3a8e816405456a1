import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, DEFAULT_MERCHANT_NAME, STORES } from '../src/demo/catalog.js';
import { DEMO_PASSWORD, demoOwnerEmail, runDemo, type DemoResult } from '../src/demo/run.js';
import { inTenant } from '../src/platform/db.js';
import { createTestApp, signIn, type TestApp } from './helpers.js';

/**
 * The demo a new user loads: it must look like a real business in every screen, and loading
 * it twice must not double it. The tiny size has the same shape as small, with fewer people.
 */

let t: TestApp;
let first: DemoResult;
let cookie: string;
const now = new Date();
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  first = await runDemo(t.database.handle.db, { size: 'tiny', publicUrl: 'http://localhost:3000', now, concurrency: 4 });
  cookie = await signIn(t, first.ownerEmail, first.ownerPassword);
}, 600_000);
afterAll(async () => t.close());

async function get<T>(url: string): Promise<T> {
  const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
}

async function one<T>(query: ReturnType<typeof sql<T>>): Promise<T> {
  return inTenant(t.database.handle.db, first.merchantId, async (tx) => (await query.execute(tx)).rows[0]!);
}

describe('reservoir demo', () => {
  it('creates the bakery chain, whose owner signs in with the printed email and password', async () => {
    expect(first.created).toBe(true);
    expect(first.ownerEmail).toBe(demoOwnerEmail(DEFAULT_MERCHANT_NAME));
    expect(first.ownerPassword).toBe(DEMO_PASSWORD);
    const merchant = await get<{ name: string; timezone: string; currency: string }>('/api/merchant');
    expect(merchant).toMatchObject({ name: DEFAULT_MERCHANT_NAME, timezone: 'Asia/Shanghai', currency: 'CNY' });
    const stores = await get<{ data: { name: string; address: string; openingHours: Record<string, unknown> }[] }>('/api/stores');
    expect(stores.data.map((s) => s.name).sort()).toEqual(STORES.map((s) => s.name).sort());
    for (const store of stores.data) {
      expect(store.address).toMatch(/^上海市/);
      expect(Object.keys(store.openingHours)).toHaveLength(7);
    }
  });

  it('has the six channels with monthly costs, and every channel brought clicks', async () => {
    const channels = await get<{ data: { id: string; name: string; kind: string }[] }>('/api/channels');
    expect(channels.data.map((c) => c.kind).sort()).toEqual(CHANNELS.map((c) => c.kind).sort());
    const links = await get<{ data: { channelId: string; clicks: number; scans: number }[] }>('/api/links');
    for (const channel of channels.data) {
      const taps = links.data.filter((l) => l.channelId === channel.id).reduce((n, l) => n + l.clicks + l.scans, 0);
      expect(taps, channel.name).toBeGreaterThan(0);
      const costs = await get<{ data: { amountCents: number }[] }>(`/api/channels/${channel.id}/costs`);
      expect(costs.data.length, channel.name).toBeGreaterThanOrEqual(12);
    }
    // Flyers are printed: most of their visits are QR scans.
    const flyer = channels.data.find((c) => c.kind === 'offline_print')!;
    const flyerLinks = links.data.filter((l) => l.channelId === flyer.id);
    expect(flyerLinks.reduce((n, l) => n + l.scans, 0)).toBeGreaterThan(flyerLinks.reduce((n, l) => n + l.clicks, 0));
  });

  it('has offers of all four kinds, claimed and redeemed', async () => {
    const offers = await get<{ data: { kind: string; claimed: number; redeemed: number }[] }>('/api/offers');
    expect(new Set(offers.data.map((o) => o.kind))).toEqual(new Set(['amount_off', 'percent_off', 'free_item', 'booking']));
    expect(offers.data.reduce((n, o) => n + o.claimed, 0)).toBe(first.counts!.claims);
    expect(offers.data.reduce((n, o) => n + o.redeemed, 0)).toBeGreaterThan(0);
  });

  it('pays mostly with WeChat Pay and Alipay, and uses the other methods too', async () => {
    const mix = await one(sql<{ wallets: number; total: number; methods: number }>`
      SELECT count(*) FILTER (WHERE payment_method IN ('wechat_pay', 'alipay'))::int AS wallets, count(*)::int AS total,
             count(DISTINCT payment_method)::int AS methods
        FROM orders WHERE merchant_id = ${first.merchantId}`);
    expect(mix.total).toBe(first.counts!.orders);
    expect(mix.wallets / mix.total).toBeGreaterThan(0.6);
    expect(mix.methods).toBeGreaterThanOrEqual(4);
  });

  it('has a year of trade, repeat buyers, coupons used on sales, and members merged by identify events', async () => {
    const facts = await one(sql<{ first_day: string; last_day: string; repeaters: number; merges: number; with_coupon: number; attributed: number; events: number }>`
      SELECT (SELECT min(occurred_at)::date::text FROM orders WHERE merchant_id = ${first.merchantId}) AS first_day,
             (SELECT max(occurred_at)::date::text FROM orders WHERE merchant_id = ${first.merchantId}) AS last_day,
             (SELECT count(*)::int FROM (
                SELECT COALESCE(m.merged_into, o.member_id) FROM orders o JOIN members m ON m.merchant_id = o.merchant_id AND m.member_id = o.member_id
                 WHERE o.merchant_id = ${first.merchantId} GROUP BY 1 HAVING count(DISTINCT o.occurred_at::date) >= 2) r) AS repeaters,
             (SELECT count(*)::int FROM member_merges WHERE merchant_id = ${first.merchantId}) AS merges,
             (SELECT count(*)::int FROM order_coupons WHERE merchant_id = ${first.merchantId}) AS with_coupon,
             (SELECT count(*)::int FROM orders WHERE merchant_id = ${first.merchantId} AND channel_id IS NOT NULL) AS attributed,
             (SELECT count(*)::int FROM events WHERE merchant_id = ${first.merchantId} AND type = 'identify') AS events`);
    expect(facts.first_day < daysAgo(330)).toBe(true);
    expect(facts.last_day >= daysAgo(6)).toBe(true);
    expect(facts.last_day <= daysAgo(-1)).toBe(true);
    expect(facts.repeaters).toBeGreaterThan(5);
    expect(facts.merges).toBeGreaterThan(0);
    expect(facts.with_coupon).toBeGreaterThan(0);
    expect(facts.attributed).toBeGreaterThan(0);
    expect(facts.events).toBeGreaterThan(0);
  });

  it('does not load the demo twice', async () => {
    const before = await one(sql<{ orders: number; members: number; stores: number }>`
      SELECT (SELECT count(*)::int FROM orders WHERE merchant_id = ${first.merchantId}) AS orders,
             (SELECT count(*)::int FROM members WHERE merchant_id = ${first.merchantId}) AS members,
             (SELECT count(*)::int FROM stores WHERE merchant_id = ${first.merchantId}) AS stores`);
    const again = await runDemo(t.database.handle.db, { size: 'tiny', publicUrl: 'http://localhost:3000', now });
    expect(again).toMatchObject({ created: false, merchantId: first.merchantId, existing: { complete: true, orders: before.orders } });
    const after = await one(sql<{ orders: number; members: number; stores: number }>`
      SELECT (SELECT count(*)::int FROM orders WHERE merchant_id = ${first.merchantId}) AS orders,
             (SELECT count(*)::int FROM members WHERE merchant_id = ${first.merchantId}) AS members,
             (SELECT count(*)::int FROM stores WHERE merchant_id = ${first.merchantId}) AS stores`);
    expect(after).toEqual(before);
  });
});
