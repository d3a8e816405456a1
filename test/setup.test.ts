import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, tableCounts, type TestApp } from './helpers.js';

const owner = { merchantName: '好利来 Bakery', ownerName: 'Li Wei', ownerEmail: 'Li.Wei@Example.com', ownerPassword: 'correct horse battery' };

describe('first run', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('offers set-up while no merchant exists, then creates merchant and owner and signs the owner in', async () => {
    expect((await t.app.inject({ url: '/api/setup' })).json()).toEqual({ needed: true });

    const res = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { ...owner, timezone: 'Asia/Shanghai' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.merchant).toMatchObject({ name: '好利来 Bakery', timezone: 'Asia/Shanghai', defaultRegion: 'CN', currency: 'CNY', attributionWindowDays: 30 });
    expect(body.merchant.id).toMatch(/^mer_[0-9A-Z]{26}$/);
    expect(body.staff).toMatchObject({ email: 'li.wei@example.com', role: 'owner', name: 'Li Wei', disabled: false });
    expect(JSON.stringify(body)).not.toContain('password');

    const cookie = res.cookies.find((c) => c.name === 'rsv_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie: `rsv_session=${cookie!.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ via: 'session', role: 'owner', storeIds: null, staff: { email: 'li.wei@example.com' } });

    expect((await t.app.inject({ url: '/api/setup' })).json()).toEqual({ needed: false });
  });

  it('refuses a second set-up and writes nothing', async () => {
    const before = await tableCounts(t);
    const res = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { ...owner, ownerEmail: 'other@example.com' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('setup_already_done');
    expect(await tableCounts(t)).toEqual(before);
  });
});

describe('first run under a race', () => {
  it('creates exactly one merchant when several set-ups arrive at once', async () => {
    const t = await createTestApp();
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          t.app.inject({ method: 'POST', url: '/api/setup', payload: { ...owner, ownerEmail: `owner${i}@example.com` } }),
        ),
      );
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes).toEqual([201, 409, 409, 409, 409, 409]);
      const counts = await tableCounts(t);
      expect(counts.merchants).toBe(1);
      expect(counts.staff).toBe(1);
    } finally {
      await t.close();
    }
  });
});
