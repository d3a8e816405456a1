import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerers } from '../src/analytics/answers.js';
import { naiveAnswerers } from '../src/analytics/naive.js';
import { refreshRollups } from '../src/analytics/refresh.js';
import type { AnalyticsQuery, Question } from '../src/analytics/schemas.js';
import { Writer } from './analytics-data.js';
import { createTestApp, newMerchant, onPostgres, type TestApp } from './helpers.js';

/**
 * Writes racing refreshes lose nothing: while several clients click, claim, redeem, buy, refund
 * and merge, two refreshers run back to back. Whatever a refresh took, or missed because it
 * was not committed yet, the rollups after one last refresh equal the raw rows. PostgreSQL only:
 * PGlite runs one transaction at a time, so nothing races there.
 */
let t: TestApp;
let w: Writer;

beforeAll(async () => {
  if (!onPostgres) return;
  t = await createTestApp();
  w = new Writer(t, await newMerchant(t, 'Busy Bakery'));
});
afterAll(async () => t?.close());

describe.skipIf(!onPostgres)('writes racing refreshes', () => {
  it('after a final refresh every answer equals the raw rows', async () => {
    const stores = [await w.store('One'), await w.store('Two')];
    const channelId = await w.channel('Posters', 'offline_print');
    const links = [{ channelId, linkId: await w.link(channelId, 'race-a', 'race') }, { channelId, linkId: await w.link(channelId, 'race-b') }];
    const offerId = await w.offer('Race offer');
    await refreshRollups(w.db, w.merchantId);

    const base = new Date('2026-04-01T10:00:00+08:00').getTime();
    const DAY = 86_400_000;
    let writing = true;
    const refresher = async () => {
      let refreshes = 0;
      while (writing) {
        await refreshRollups(w.db, w.merchantId, { chunkSize: 7 });
        refreshes++;
      }
      return refreshes;
    };
    const writer = async (k: number) => {
      for (let i = 0; i < 12; i++) {
        const phone = `+86137${String(10_000_000 + k * 100 + i).slice(-8)}`;
        const visitor = `vis_race_${k}_${i}`;
        const at = (days: number) => new Date(base + (k * 3 + i + days) * DAY);
        await w.click(visitor, links[(k + i) % 2]!, at(0));
        const coupon = await w.claim(offerId, phone, visitor, at(0.1));
        if (i % 2 === 0) await w.redeem(coupon.code, stores[k % 2]!, at(1));
        const orderId = await w.order(stores[(k + i) % 2]!, at(1.2), 1_000 + k * 10 + i, i % 3 === 0 ? 'cash' : 'wechat_pay', { phone });
        if (i % 4 === 1) await w.refund(orderId, 100);
        if (i % 5 === 2) await w.void(orderId);
        // A late click, older than the visitor's first touch, and a merge with the previous customer.
        if (i % 3 === 2) await w.click(visitor, links[0]!, at(-2));
        if (i % 4 === 3) {
          await w.identify(`race_user_${k}_${i}`, visitor, at(2));
          await w.identify(`race_user_${k}_${i}`, `vis_race_${k}_${i - 1}`, at(2));
        }
      }
    };
    const refreshers = [refresher(), refresher()];
    await Promise.all([0, 1, 2, 3, 4, 5].map(writer));
    writing = false;
    const counts = await Promise.all(refreshers);
    expect(counts.every((n) => n > 0)).toBe(true);

    await refreshRollups(w.db, w.merchantId);
    const period: AnalyticsQuery = { from: '2026-03-01', to: '2026-06-30' };
    const asked: [Question, AnalyticsQuery][] = [
      ['funnel', { ...period, groupBy: 'link' }],
      ['store-visits', { ...period, groupBy: 'store' }],
      ['payment-mix', { ...period, groupBy: 'store' }],
      ['repeat', period],
      ['retention', { ...period, groupBy: 'channel' }],
      ['channel-roi', { ...period, groupBy: 'campaign' }],
      ['stores', period],
    ];
    for (const [question, query] of asked) {
      const fromRollups = await answerers[question](w.db, w.merchantId, query);
      const fromRaw = await naiveAnswerers[question](w.db, w.merchantId, query);
      expect({ ...fromRollups, refreshedAt: null }, question).toEqual({ ...fromRaw, refreshedAt: null });
    }
    const mix = await answerers['payment-mix'](w.db, w.merchantId, period);
    expect((mix.totals as { orders: number }).orders).toBe(6 * (12 - 2));
  }, 300_000);
});
