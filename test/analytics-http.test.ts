import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writer } from './analytics-data.js';
import { createTestApp, newMerchant, newStaff, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

/** GET /api/analytics/*: who may ask, what a bad question gets, and the CSV download. */
let t: TestApp;
let owner: SignedInOwner;
let w: Writer;
let storeId: string;
const at = (local: string) => new Date(`${local}+08:00`);

beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t, '上海面包房');
  w = new Writer(t, owner);
  storeId = await w.store('静安寺店');
  const channelId = await w.channel('小红书', 'social');
  const linkId = await w.link(channelId, 'xhs-winter', '冬季 winter');
  await w.click('vis_http_1', { channelId, linkId }, at('2026-01-03T10:00:00'));
  await w.order(storeId, at('2026-01-05T12:00:00'), 12_345, 'wechat_pay', { phone: '+8613900000001' });
});
afterAll(async () => t.close());

const QUESTIONS = ['funnel', 'store-visits', 'payment-mix', 'repeat', 'retention', 'channel-roi', 'stores'];

describe('who may ask', () => {
  it('answers an owner and a manager, refuses a clerk (403) and no session (401)', async () => {
    const manager = await newStaff(t, owner, 'manager');
    const clerk = await newStaff(t, owner, 'clerk', [storeId]);
    for (const question of QUESTIONS) {
      const url = `/api/analytics/${question}?from=2026-01-01&to=2026-01-31`;
      expect((await t.app.inject({ url, headers: { cookie: owner.cookie } })).statusCode, question).toBe(200);
      expect((await t.app.inject({ url, headers: { cookie: manager.cookie } })).statusCode, question).toBe(200);
      const asClerk = await t.app.inject({ url, headers: { cookie: clerk.cookie } });
      expect(asClerk.statusCode, question).toBe(403);
      expect(asClerk.json().error.code).toBe('forbidden');
      const anonymous = await t.app.inject({ url });
      expect(anonymous.statusCode, question).toBe(401);
      expect(anonymous.json().error.code).toBe('unauthenticated');
    }
  });

  it('sees only its own merchant', async () => {
    const other = await newMerchant(t, 'Other Bakery');
    const res = await t.app.inject({ url: '/api/analytics/payment-mix?from=2026-01-01&to=2026-01-31', headers: { cookie: other.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().totals).toEqual({ orders: 0, grossCents: 0, refundedCents: 0, netCents: 0 });
  });
});

describe('the answer', () => {
  it('has the period in the merchant time zone, the filters, rows, totals and when it was refreshed', async () => {
    const res = await t.app.inject({ url: '/api/analytics/payment-mix?from=2026-01-01&to=2026-01-31&groupBy=store', headers: { cookie: owner.cookie } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      period: { from: '2026-01-01', to: '2026-01-31', timezone: 'Asia/Shanghai' },
      filters: { channelId: null, linkId: null, campaign: null, offerId: null, storeId: null },
      groupBy: 'store',
      rows: [{ key: storeId, label: '静安寺店', paymentMethod: 'wechat_pay', orders: 1, grossCents: 12_345, refundedCents: 0, netCents: 12_345, share: 1 }],
      totals: { orders: 1, grossCents: 12_345, refundedCents: 0, netCents: 12_345 },
    });
    expect(Date.now() - Date.parse(body.refreshedAt)).toBeLessThan(60_000);
  });

  it('includes a write made just before the question (the answer refreshes first)', async () => {
    await w.order(storeId, at('2026-01-06T12:00:00'), 1_000, 'cash', { phone: '+8613900000002' });
    const res = await t.app.inject({ url: '/api/analytics/payment-mix?from=2026-01-01&to=2026-01-31', headers: { cookie: owner.cookie } });
    expect(res.json().totals.orders).toBe(2);
  });
});

describe('bad questions get a stable code and write nothing', () => {
  const cases: [string, string, number, string][] = [
    ['no period', '/api/analytics/funnel', 400, 'validation_failed'],
    ['no end', '/api/analytics/funnel?from=2026-01-01', 400, 'validation_failed'],
    ['not a date', '/api/analytics/funnel?from=January&to=2026-01-31', 400, 'validation_failed'],
    ['a day that does not exist', '/api/analytics/funnel?from=2026-02-30&to=2026-03-31', 400, 'analytics_invalid_period'],
    ['month 13', '/api/analytics/stores?from=2026-01-01&to=2026-13-01', 400, 'analytics_invalid_period'],
    ['from after to', '/api/analytics/funnel?from=2026-02-01&to=2026-01-31', 400, 'analytics_invalid_period'],
    ['longer than 731 days', '/api/analytics/payment-mix?from=2024-01-01&to=2026-01-02', 400, 'analytics_period_too_long'],
    ['unknown groupBy', '/api/analytics/funnel?from=2026-01-01&to=2026-01-31&groupBy=weather', 400, 'validation_failed'],
    ['groupBy of another question', '/api/analytics/payment-mix?from=2026-01-01&to=2026-01-31&groupBy=channel', 400, 'validation_failed'],
    ['unknown unit', '/api/analytics/retention?from=2026-01-01&to=2026-01-31&unit=day', 400, 'validation_failed'],
    ['unknown format', '/api/analytics/funnel?from=2026-01-01&to=2026-01-31&format=xlsx', 400, 'validation_failed'],
    ['unknown parameter', '/api/analytics/funnel?from=2026-01-01&to=2026-01-31&colour=red', 400, 'unknown_field'],
    ['funnel by store', `/api/analytics/funnel?from=2026-01-01&to=2026-01-31&storeId=${'sto_01JD3W6Q0S7RK9V2B8X4M5N6PA'}`, 400, 'analytics_filter_not_supported'],
    ['funnel by offer', '/api/analytics/funnel?from=2026-01-01&to=2026-01-31&offerId=off_01JD3W6Q0S7RK9V2B8X4M5N6PA', 400, 'analytics_filter_not_supported'],
    ['payment mix by offer', '/api/analytics/payment-mix?from=2026-01-01&to=2026-01-31&offerId=off_01JD3W6Q0S7RK9V2B8X4M5N6PA', 400, 'analytics_filter_not_supported'],
    ['repeat by link', '/api/analytics/repeat?from=2026-01-01&to=2026-01-31&linkId=lnk_01JD3W6Q0S7RK9V2B8X4M5N6PA', 400, 'analytics_filter_not_supported'],
    ['retention by store', '/api/analytics/retention?from=2026-01-01&to=2026-01-31&storeId=sto_01JD3W6Q0S7RK9V2B8X4M5N6PA', 400, 'analytics_filter_not_supported'],
    ['stores by channel', '/api/analytics/stores?from=2026-01-01&to=2026-01-31&channelId=chn_01JD3W6Q0S7RK9V2B8X4M5N6PA', 400, 'analytics_filter_not_supported'],
    ['channel ROI by store', '/api/analytics/channel-roi?from=2026-01-01&to=2026-01-31&storeId=sto_01JD3W6Q0S7RK9V2B8X4M5N6PA', 400, 'analytics_filter_not_supported'],
  ];

  it.each(cases)('%s → %i %s', async (_name, url, status, code) => {
    const before = await tableCounts(t);
    const res = await t.app.inject({ url, headers: { cookie: owner.cookie } });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('a period of exactly 731 days is fine', async () => {
    const res = await t.app.inject({ url: '/api/analytics/payment-mix?from=2024-01-01&to=2025-12-31', headers: { cookie: owner.cookie } });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('CSV download', () => {
  it('is UTF-8 with a byte order mark, a header row, and Chinese text intact', async () => {
    const res = await t.app.inject({ url: '/api/analytics/funnel?from=2026-01-01&to=2026-01-31&groupBy=campaign&format=csv', headers: { cookie: owner.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="funnel-2026-01-01-2026-01-31.csv"');
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'key,label,visitors,claimed,visited,purchased,repeat,claimedRate,visitedRate,purchasedRate,repeatRate,claimedOfVisitors,visitedOfVisitors,purchasedOfVisitors,repeatOfVisitors',
    );
    expect(lines).toHaveLength(3);
    expect(lines).toContain('冬季 winter,冬季 winter,1,0,0,0,0,0,,,,0,0,0,0');
  });

  it('spreads retention offsets over columns and names stores in Chinese', async () => {
    const retention = await t.app.inject({ url: '/api/analytics/retention?from=2026-01-01&to=2026-01-31&format=csv', headers: { cookie: owner.cookie } });
    const header = retention.rawPayload.subarray(3).toString('utf8').split('\r\n')[0]!;
    expect(header.startsWith('cohort,key,label,size,active0,active1')).toBe(true);
    const stores = await t.app.inject({ url: '/api/analytics/stores?from=2026-01-01&to=2026-01-31&format=csv', headers: { cookie: owner.cookie } });
    expect(stores.rawPayload.subarray(3).toString('utf8')).toContain(`${storeId},静安寺店,`);
  });
});
