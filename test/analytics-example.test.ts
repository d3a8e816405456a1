import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerChannelRoi,
  answerFunnel,
  answerPaymentMix,
  answerRepeat,
  answerRetention,
  answerStores,
  answerStoreVisits,
} from '../src/analytics/answers.js';
import { naiveAnswerers } from '../src/analytics/naive.js';
import { refreshRollups } from '../src/analytics/refresh.js';
import type { AnalyticsQuery } from '../src/analytics/schemas.js';
import { Writer } from './analytics-data.js';
import { createTestApp, newMerchant, type TestApp } from './helpers.js';

/**
 * The worked example of docs/metrics.md, number for number: a bakery in Shanghai, January 2026.
 * If a definition changes, this test and that page change together.
 */
let t: TestApp;
let w: Writer;
const ids: Record<string, string> = {};
const at = (local: string) => new Date(`${local}+08:00`);
const JANUARY: AnalyticsQuery = { from: '2026-01-01', to: '2026-01-31' };

beforeAll(async () => {
  t = await createTestApp();
  w = new Writer(t, await newMerchant(t, '面包房 Bakery'));
  ids.jingan = await w.store('静安 Jing’an');
  ids.xuhui = await w.store('徐汇 Xuhui');
  ids.xhs = await w.channel('小红书 Xiaohongshu', 'social');
  ids.flyers = await w.channel('Flyers', 'offline_print');
  const xhs = { channelId: ids.xhs, linkId: await w.link(ids.xhs, 'xhs-spring', 'spring') };
  const flyer = { channelId: ids.flyers, linkId: await w.link(ids.flyers, 'flyer-a') };
  ids.xhsLink = xhs.linkId;
  ids.flyerLink = flyer.linkId;
  await w.cost(ids.xhs, 30_000, '2026-01-01', '2026-01-30');
  await w.cost(ids.flyers, 10_000, '2026-01-01', '2026-02-09');
  ids.offer = await w.offer('¥10 off', [ids.jingan]);

  // Ann: taps the Xiaohongshu post, claims, redeems two days later and buys; comes back to Xuhui.
  await w.click('vis_ann', xhs, at('2026-01-03T10:00:00'));
  const ann = await w.claim(ids.offer, '+8613800000001', 'vis_ann', at('2026-01-03T10:05:00'));
  await w.redeem(ann.code, ids.jingan, at('2026-01-05T12:00:00'));
  await w.order(ids.jingan, at('2026-01-05T12:01:00'), 10_000, 'wechat_pay', { phone: '+8613800000001' });
  const annSecond = await w.order(ids.xuhui, at('2026-01-20T18:00:00'), 5_000, 'alipay', { phone: '+8613800000001' });
  await w.refund(annSecond, 1_000);
  // Bo: a flyer first, the post the next day, claims (never redeems) and buys at Jing'an.
  await w.click('vis_bo', flyer, at('2026-01-10T09:00:00'));
  await w.claim(ids.offer, '+8613800000002', 'vis_bo', at('2026-01-10T09:10:00'));
  await w.click('vis_bo', xhs, at('2026-01-11T21:00:00'));
  await w.order(ids.jingan, at('2026-01-12T11:00:00'), 8_000, 'cash', { phone: '+8613800000002' });
  // Cai: walks in, no tap; two orders the same day.
  await w.order(ids.xuhui, at('2026-01-15T13:00:00'), 20_000, 'wechat_pay', { phone: '+8613800000003' });
  await w.order(ids.xuhui, at('2026-01-15T16:00:00'), 3_000, 'cash', { phone: '+8613800000003' });
  // Dee: taps the post and does nothing else.
  await w.click('vis_dee', xhs, at('2026-01-08T20:00:00'));
  // Eve: one order, voided.
  await w.void(await w.order(ids.jingan, at('2026-01-25T10:00:00'), 6_000, 'wechat_pay', { phone: '+8613800000005' }));

  await refreshRollups(w.db, w.merchantId);
});
afterAll(async () => t.close());

describe('the worked example of docs/metrics.md', () => {
  it('funnel', async () => {
    const answer = await answerFunnel(w.db, w.merchantId, { ...JANUARY, groupBy: 'channel' });
    expect(answer.totals).toMatchObject({ visitors: 4, claimed: 2, visited: 3, purchased: 3, repeat: 1, claimedRate: 0.5, visitedRate: 1.5, purchasedRate: 1, repeatRate: 1 / 3 });
    expect(answer.rows.map((r) => [r.label, r.visitors, r.claimed, r.visited, r.purchased, r.repeat])).toEqual([
      ['小红书 Xiaohongshu', 2, 1, 1, 1, 1],
      ['Flyers', 1, 1, 1, 1, 0],
      ['Direct', 1, 0, 1, 1, 0],
    ]);
  });

  it('store-visit rate', async () => {
    const answer = await answerStoreVisits(w.db, w.merchantId, { ...JANUARY, groupBy: 'channel' });
    expect(answer.totals).toEqual({ claimed: 2, redeemed: 1, rate: 0.5, sameDay: 0, day1: 0, days2to3: 1, days4to7: 0, days8to14: 0, days15to30: 0, over30: 0, medianDays: 2 });
    expect(answer.rows.map((r) => [r.label, r.claimed, r.redeemed]).sort()).toEqual([
      ['Flyers', 1, 0],
      ['小红书 Xiaohongshu', 1, 1],
    ]);
    const byStore = await answerStoreVisits(w.db, w.merchantId, { ...JANUARY, groupBy: 'store' });
    expect(byStore.rows.map((r) => [r.label, r.claimed, r.redeemed])).toEqual([['静安 Jing’an', 2, 1]]);
  });

  it('payment mix', async () => {
    const answer = await answerPaymentMix(w.db, w.merchantId, JANUARY);
    expect(answer.rows.map((r) => [r.paymentMethod, r.orders, r.grossCents, r.refundedCents, r.netCents, Number(r.share!.toFixed(4))])).toEqual([
      ['wechat_pay', 2, 30_000, 0, 30_000, 0.6667],
      ['cash', 2, 11_000, 0, 11_000, 0.2444],
      ['alipay', 1, 5_000, 1_000, 4_000, 0.0889],
    ]);
    expect(answer.totals).toEqual({ orders: 5, grossCents: 46_000, refundedCents: 1_000, netCents: 45_000 });
  });

  it('repeat rate', async () => {
    const answer = await answerRepeat(w.db, w.merchantId, JANUARY, new Date('2026-06-01T00:00:00Z'));
    expect(answer.totals).toEqual({ firstPurchasers: 3, eligible30: 3, repeat30: 1, rate30: 1 / 3, eligible60: 3, repeat60: 1, rate60: 1 / 3, eligible90: 3, repeat90: 1, rate90: 1 / 3 });
    // On 2026-02-10 only those who first bought by 2026-01-11 have had their 30 days: Ann.
    const early = await answerRepeat(w.db, w.merchantId, JANUARY, new Date('2026-02-10T12:00:00+08:00'));
    expect(early.totals).toMatchObject({ firstPurchasers: 3, eligible30: 1, repeat30: 1, rate30: 1, eligible60: 0, repeat60: 0, rate60: null });
  });

  it('cohort retention', async () => {
    const answer = await answerRetention(w.db, w.merchantId, { ...JANUARY, unit: 'week' });
    expect(answer.rows.map((r) => [r.cohort, r.size, r.active])).toEqual([
      ['2026-01-05', 1, [1, 0, 1, 0]],
      ['2026-01-12', 2, [2, 0, 0]],
    ]);
    expect(answer.totals).toEqual({ size: 3, active: [3, 0, 1, 0], rates: [1, 0, 1 / 3, 0] });
  });

  it('channel ROI', async () => {
    const answer = await answerChannelRoi(w.db, w.merchantId, JANUARY);
    const rows = Object.fromEntries(answer.rows.map((r) => [r.label, r]));
    expect(rows['小红书 Xiaohongshu']).toMatchObject({ newMembers: 1, firstTouchOrders: 2, firstTouchNetCents: 14_000, lastTouchOrders: 3, lastTouchNetCents: 22_000, costCents: 30_000, costPerNewMemberCents: 30_000 });
    expect(rows['小红书 Xiaohongshu']!.lastTouchRevenuePerCost).toBeCloseTo(22_000 / 30_000);
    expect(rows.Flyers).toMatchObject({ newMembers: 1, firstTouchOrders: 1, firstTouchNetCents: 8_000, lastTouchOrders: 0, lastTouchNetCents: 0, costCents: 7_750, costPerNewMemberCents: 7_750 });
    expect(rows.Direct).toMatchObject({ newMembers: 1, firstTouchOrders: 2, firstTouchNetCents: 23_000, lastTouchOrders: 2, lastTouchNetCents: 23_000, costCents: 0, firstTouchRevenuePerCost: null });
  });

  it('store comparison', async () => {
    const answer = await answerStores(w.db, w.merchantId, JANUARY);
    const rows = Object.fromEntries(answer.rows.map((r) => [r.label, r]));
    expect(rows['静安 Jing’an']).toMatchObject({ visits: 2, newMembers: 2, returningVisits: 0, purchases: 2, netCents: 18_000, claimed: 2, redeemed: 1, storeVisitRate: 0.5 });
    expect(rows['徐汇 Xuhui']).toMatchObject({ visits: 2, newMembers: 1, returningVisits: 1, purchases: 3, netCents: 27_000, claimed: 0, redeemed: 0, storeVisitRate: null });
  });

  it('every answer equals the same question computed from the raw rows', async () => {
    const answers = { funnel: answerFunnel, 'store-visits': answerStoreVisits, 'payment-mix': answerPaymentMix, retention: answerRetention, 'channel-roi': answerChannelRoi, stores: answerStores };
    for (const [question, answer] of Object.entries(answers)) {
      const fromRollups = await answer(w.db, w.merchantId, JANUARY);
      const fromRaw = await naiveAnswerers[question as keyof typeof answers](w.db, w.merchantId, JANUARY);
      expect({ ...fromRollups, refreshedAt: null }, question).toEqual({ ...fromRaw, refreshedAt: null });
    }
  });
});
