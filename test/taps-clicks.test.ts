import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createMerchantWithOwner } from '../src/merchants/service.js';
import { inTenant, type Db } from '../src/platform/db.js';
import { newId } from '../src/platform/ids.js';
import { ClickBuffer, type BufferedClick } from '../src/taps/click-buffer.js';
import { createTestDatabase, PASSWORD, testConfig, type TestDatabase } from './helpers.js';

/** The click buffer: nothing lost on a clean shutdown, retries when the database fails, bounded memory. */
let database: TestDatabase;
let merchantId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const { merchant } = await createMerchantWithOwner(database.handle.db, { merchantName: 'Buffer Bakery', ownerName: 'O', ownerEmail: 'buffer.owner@example.com', ownerPassword: PASSWORD });
  merchantId = merchant.id;
});
afterAll(async () => database.drop());

async function storedCount(linkId: string): Promise<number> {
  const row = await inTenant(database.handle.db, merchantId, (tx) =>
    tx.selectFrom('clicks').select((eb) => eb.fn.countAll<number>().as('n')).where('merchant_id', '=', merchantId).where('link_id', '=', linkId).executeTakeFirstOrThrow(),
  );
  return Number(row.n);
}

function click(linkId: string): BufferedClick {
  return {
    merchantId,
    clickId: newId('click'),
    linkId,
    channelId: 'chn_01JD3W6Q0S7RK9V2B8X4M5N6PA',
    visitorId: newId('visitor'),
    occurredAt: new Date(),
    isScan: false,
    referrer: null,
    ipHash: null,
    uaFamily: 'Chrome',
    country: null,
    region: null,
  };
}

/** A database whose next `failures` transactions fail, as when PostgreSQL restarts. */
function flakyDb(db: Db, failures: { left: number }): Db {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'transaction' && failures.left > 0) {
        failures.left--;
        return () => ({ execute: async () => Promise.reject(Object.assign(new Error('connection refused'), { code: '08006' })) });
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function quietLog() {
  const lines: { level: string; fields: object; message: string }[] = [];
  return {
    lines,
    warn: (fields: object, message: string) => void lines.push({ level: 'warn', fields, message }),
    error: (fields: object, message: string) => void lines.push({ level: 'error', fields, message }),
  };
}

describe('flush on shutdown', () => {
  it('closing the app writes every buffered click; a new app over the same database counts them all', async () => {
    // A flush interval far longer than the test: only the shutdown can write these clicks.
    const config = { ...testConfig({ PUBLIC_URL: 'https://go.example.com' }), clickFlushMs: 3_600_000 };
    const first = (await buildApp(config, { database: database.handle, migrate: false })).app;
    await first.ready();
    const cookie = await signIn(first);
    const channelId = (await first.inject({ method: 'POST', url: '/api/channels', headers: { cookie }, payload: { name: 'Posters', kind: 'offline_print' } })).json().id;
    const link = (await first.inject({ method: 'POST', url: '/api/links', headers: { cookie }, payload: { channelId, destination: '/s/sto_01JD3W6Q0S7RK9V2B8X4M5N6PA' } })).json();

    const N = 120;
    for (let i = 0; i < N; i++) {
      const res = await first.inject({ url: `/l/${link.slug}${i % 3 === 0 ? '?s=1' : ''}`, headers: { 'user-agent': 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1' } });
      expect(res.statusCode).toBe(302);
    }
    expect(await storedCount(link.id)).toBe(0);
    await first.close();

    const second = (await buildApp(testConfig(), { database: database.handle, migrate: false })).app;
    try {
      const counted = (await second.inject({ url: `/api/links/${link.id}`, headers: { cookie: await signIn(second) } })).json();
      expect(counted.clicks + counted.scans).toBe(N);
      expect(counted.scans).toBe(N / 3);
    } finally {
      await second.close();
    }
  });

  it('an app that opened its own database writes the clicks before closing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsv-taps-'));
    try {
      const config = { ...testConfig({ RESERVOIR_DATA_DIR: dir }), clickFlushMs: 3_600_000 };
      const { app: first, database: own } = await buildApp(config);
      await createMerchantWithOwner(own.db, { merchantName: 'Disk', ownerName: 'O', ownerEmail: 'disk@example.com', ownerPassword: PASSWORD });
      const cookie = await signIn(first, 'disk@example.com');
      const channelId = (await first.inject({ method: 'POST', url: '/api/channels', headers: { cookie }, payload: { name: 'Posters', kind: 'offline_print' } })).json().id;
      const link = (await first.inject({ method: 'POST', url: '/api/links', headers: { cookie }, payload: { channelId, destination: '/o/x' } })).json();
      for (let i = 0; i < 25; i++) await first.inject({ url: `/l/${link.slug}`, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36' } });
      await first.close();

      const second = (await buildApp(config)).app;
      try {
        const counted = (await second.inject({ url: `/api/links/${link.id}`, headers: { cookie: await signIn(second, 'disk@example.com') } })).json();
        expect(counted.clicks).toBe(25);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Two start-ups on a folder-backed embedded database (migrations included) are slow on a busy machine.
  }, 180_000);

  async function signIn(app: Awaited<ReturnType<typeof buildApp>>['app'], email = 'buffer.owner@example.com'): Promise<string> {
    const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password: PASSWORD } });
    return `rsv_session=${res.cookies.find((c) => c.name === 'rsv_session')!.value}`;
  }
});

describe('ClickBuffer', () => {
  it('writes a full batch without waiting for the interval', async () => {
    const linkId = newId('link');
    const buffer = new ClickBuffer({ db: database.handle.db, log: quietLog(), intervalMs: 3_600_000, batchSize: 10 });
    buffer.start();
    for (let i = 0; i < 10; i++) buffer.push(click(linkId));
    const deadline = Date.now() + 10_000;
    while ((await storedCount(linkId)) < 10 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await storedCount(linkId)).toBe(10);
    expect(buffer.size).toBe(0);
    await buffer.stop();
  });

  it('keeps clicks when the database fails and writes them exactly once when it is back', async () => {
    const linkId = newId('link');
    const failures = { left: 1 };
    const log = quietLog();
    const buffer = new ClickBuffer({ db: flakyDb(database.handle.db, failures), log, intervalMs: 3_600_000 });
    for (let i = 0; i < 3; i++) buffer.push(click(linkId));
    await expect(buffer.flush()).rejects.toThrow();
    expect(buffer.size).toBe(3);
    expect(log.lines.map((l) => l.message)).toEqual(['writing clicks failed; will retry']);
    await buffer.flush();
    expect(buffer.size).toBe(0);
    expect(await storedCount(linkId)).toBe(3);
  });

  it('retries on its own with backoff', async () => {
    const linkId = newId('link');
    const failures = { left: 3 };
    const buffer = new ClickBuffer({ db: flakyDb(database.handle.db, failures), log: quietLog(), intervalMs: 10 });
    buffer.start();
    for (let i = 0; i < 5; i++) buffer.push(click(linkId));
    const deadline = Date.now() + 10_000;
    while ((await storedCount(linkId)) < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(failures.left).toBe(0);
    expect(await storedCount(linkId)).toBe(5);
    await buffer.stop();
  });

  it('a retried batch that had in fact been written is not written twice', async () => {
    const linkId = newId('link');
    const same = click(linkId);
    for (let i = 0; i < 2; i++) {
      const buffer = new ClickBuffer({ db: database.handle.db, log: quietLog(), intervalMs: 3_600_000 });
      buffer.push(same);
      await buffer.flush();
    }
    expect(await storedCount(linkId)).toBe(1);
  });

  it('stores awkward text and empty fields exactly', async () => {
    const linkId = newId('link');
    const odd = { ...click(linkId), referrer: 'https://example.com/a,b', region: 'Hong Kong, "SAR" {x} \\ NULL', country: 'HK', ipHash: 'ab'.repeat(32), isScan: true };
    const empty = { ...click(linkId), referrer: null, region: 'NULL', uaFamily: null };
    const buffer = new ClickBuffer({ db: database.handle.db, log: quietLog(), intervalMs: 3_600_000 });
    buffer.push(odd);
    buffer.push(empty);
    await buffer.flush();
    const rows = await inTenant(database.handle.db, merchantId, (tx) =>
      tx.selectFrom('clicks').selectAll().where('merchant_id', '=', merchantId).where('link_id', '=', linkId).orderBy('click_id').execute(),
    );
    expect(rows.map((r) => [r.click_id, r.referrer, r.region, r.country, r.ip_hash, r.ua_family, r.is_scan, r.occurred_at.toISOString()])).toEqual([
      [odd.clickId, odd.referrer, odd.region, 'HK', odd.ipHash, 'Chrome', true, odd.occurredAt.toISOString()],
      [empty.clickId, null, 'NULL', null, null, null, false, empty.occurredAt.toISOString()],
    ]);
  });

  it('past its cap it drops the oldest clicks, with a warning', async () => {
    const linkId = newId('link');
    const log = quietLog();
    const buffer = new ClickBuffer({ db: flakyDb(database.handle.db, { left: 1 }), log, intervalMs: 3_600_000, maxBuffered: 5 });
    const clicks = Array.from({ length: 8 }, () => click(linkId));
    for (const c of clicks) buffer.push(c);
    expect(buffer.size).toBe(5);
    await expect(buffer.flush()).rejects.toThrow();
    expect(log.lines.find((l) => l.message.startsWith('click buffer full'))?.fields).toEqual({ dropped: 3, limit: 5 });
    await buffer.flush();
    const stored = await inTenant(database.handle.db, merchantId, (tx) =>
      tx.selectFrom('clicks').select('click_id').where('merchant_id', '=', merchantId).where('link_id', '=', linkId).orderBy('click_id').execute(),
    );
    expect(stored.map((r) => r.click_id)).toEqual(clicks.slice(3).map((c) => c.clickId));
  });

  it('at shutdown, a database that stays down loses the buffer with an error naming the count', async () => {
    const log = quietLog();
    const buffer = new ClickBuffer({ db: flakyDb(database.handle.db, { left: 100 }), log, intervalMs: 3_600_000 });
    buffer.start();
    buffer.push(click(newId('link')));
    buffer.push(click(newId('link')));
    await buffer.stop();
    expect(log.lines.at(-1)).toEqual({ level: 'error', fields: { lost: 2 }, message: 'clicks could not be written at shutdown and are lost' });
    expect(buffer.size).toBe(0);
  });
});
