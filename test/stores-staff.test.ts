import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newMerchant, newStaff, newStore, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

let t: TestApp;
let owner: SignedInOwner;
beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t);
});
afterAll(async () => t.close());

describe('stores', () => {
  it('creates a store with address, hours and the merchant time zone by default', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/stores',
      headers: { cookie: owner.cookie },
      payload: { name: '南京西路店', address: '上海市静安区南京西路 1266 号', openingHours: { mon: [['09:00', '21:30']], sat: [['10:00', '02:00']] } },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: '南京西路店',
      address: '上海市静安区南京西路 1266 号',
      timezone: 'Asia/Shanghai',
      phone: null,
      openingHours: { mon: [['09:00', '21:30']], sat: [['10:00', '02:00']] },
      archived: false,
    });
    const id = res.json().id;
    const one = await t.app.inject({ url: `/api/stores/${id}`, headers: { cookie: owner.cookie } });
    expect(one.json()).toEqual(res.json());
  });

  it('changes, archives and lists stores (archived ones only on request)', async () => {
    const id = await newStore(t, owner, 'Old town');
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/stores/${id}`,
      headers: { cookie: owner.cookie },
      payload: { timezone: 'Asia/Hong_Kong', phone: '+852 2345 6789', archived: true },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ timezone: 'Asia/Hong_Kong', phone: '+852 2345 6789', archived: true });
    const live = (await t.app.inject({ url: '/api/stores', headers: { cookie: owner.cookie } })).json().data.map((s: { id: string }) => s.id);
    const all = (await t.app.inject({ url: '/api/stores?includeArchived=true', headers: { cookie: owner.cookie } })).json().data.map((s: { id: string }) => s.id);
    expect(live).not.toContain(id);
    expect(all).toContain(id);
  });

  it.each([
    ['an unknown time zone', { name: 'X', timezone: 'Mars/Olympus' }, 'validation_failed', '/body/timezone'],
    ['a malformed opening time', { name: 'X', openingHours: { mon: [['9am', '21:00']] } }, 'validation_failed', '/body/openingHours/mon/0/0'],
    ['an unknown weekday', { name: 'X', openingHours: { someday: [] } }, 'unknown_field', '/body/openingHours/someday'],
    ['an empty name', { name: '' }, 'validation_failed', '/body/name'],
    ['no name', { address: 'somewhere' }, 'validation_failed', '/body/name'],
  ])('rejects %s and writes nothing', async (_label, payload, code, path) => {
    const before = await tableCounts(t);
    const res = await t.app.inject({ method: 'POST', url: '/api/stores', headers: { cookie: owner.cookie }, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await tableCounts(t)).toEqual(before);
  });
});

describe('staff and roles', () => {
  it('binds a clerk to stores: they see only those and may not manage', async () => {
    const mine = await newStore(t, owner, 'Mine');
    const other = await newStore(t, owner, 'Other');
    const clerk = await newStaff(t, owner, 'clerk', [mine]);
    const list = await t.app.inject({ url: '/api/stores', headers: { cookie: clerk.cookie } });
    expect(list.json().data.map((s: { id: string }) => s.id)).toEqual([mine]);
    expect((await t.app.inject({ url: `/api/stores/${mine}`, headers: { cookie: clerk.cookie } })).statusCode).toBe(200);
    const elsewhere = await t.app.inject({ url: `/api/stores/${other}`, headers: { cookie: clerk.cookie } });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.code).toBe('store_not_allowed');
    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie: clerk.cookie } });
    expect(me.json()).toMatchObject({ role: 'clerk', storeIds: [mine] });
  });

  it('a clerk needs at least one existing store; owners and managers have none', async () => {
    const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/staff', headers: { cookie: owner.cookie }, payload });
    const base = { email: 'new.clerk@example.com', name: 'N', password: 'long enough pw' };
    expect((await post({ ...base, role: 'clerk' })).json().error.code).toBe('validation_failed');
    expect((await post({ ...base, role: 'clerk', storeIds: ['sto_01JD3W6Q0S7RK9V2B8X4M5N6PA'] })).json().error.code).toBe('invalid_reference');
    expect((await post({ ...base, role: 'manager', storeIds: [await newStore(t, owner)] })).json().error.code).toBe('validation_failed');
    const ok = await post({ ...base, role: 'clerk', storeIds: [await newStore(t, owner)] });
    expect(ok.statusCode).toBe(201);
    const again = await post({ ...base, email: 'NEW.CLERK@example.com', role: 'manager' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('email_taken');
  });

  it('a manager adds and edits clerks but not managers or owners', async () => {
    const manager = await newStaff(t, owner, 'manager');
    const store = await newStore(t, owner);
    const clerk = await t.app.inject({
      method: 'POST',
      url: '/api/staff',
      headers: { cookie: manager.cookie },
      payload: { email: 'clerk.by.manager@example.com', name: 'C', role: 'clerk', password: 'long enough pw', storeIds: [store] },
    });
    expect(clerk.statusCode).toBe(201);
    const promote = await t.app.inject({ method: 'PATCH', url: `/api/staff/${clerk.json().id}`, headers: { cookie: manager.cookie }, payload: { role: 'manager' } });
    expect(promote.statusCode).toBe(403);
    const addManager = await t.app.inject({
      method: 'POST',
      url: '/api/staff',
      headers: { cookie: manager.cookie },
      payload: { email: 'mgr.by.manager@example.com', name: 'M', role: 'manager', password: 'long enough pw' },
    });
    expect(addManager.statusCode).toBe(403);
    expect(addManager.json().error.code).toBe('forbidden');
    const editOwner = await t.app.inject({ method: 'PATCH', url: `/api/staff/${owner.staffId}`, headers: { cookie: manager.cookie }, payload: { name: 'x' } });
    expect(editOwner.statusCode).toBe(403);
    const moveClerk = await t.app.inject({ method: 'PATCH', url: `/api/staff/${clerk.json().id}`, headers: { cookie: manager.cookie }, payload: { name: 'Clerk Two' } });
    expect(moveClerk.json()).toMatchObject({ name: 'Clerk Two', role: 'clerk', storeIds: [store] });
  });

  it('never leaves a merchant without an active owner', async () => {
    const t2 = await createTestApp();
    try {
      const solo = await newMerchant(t2);
      for (const payload of [{ role: 'manager' }, { disabled: true }]) {
        const res = await t2.app.inject({ method: 'PATCH', url: `/api/staff/${solo.staffId}`, headers: { cookie: solo.cookie }, payload });
        expect(res.statusCode).toBe(409);
        expect(res.json().error.code).toBe('last_owner');
      }
      const second = await newStaff(t2, solo, 'owner');
      const demote = await t2.app.inject({ method: 'PATCH', url: `/api/staff/${solo.staffId}`, headers: { cookie: second.cookie }, payload: { role: 'manager' } });
      expect(demote.statusCode).toBe(200);
    } finally {
      await t2.close();
    }
  });

  it('a clerk may not call manager or owner endpoints', async () => {
    const clerk = await newStaff(t, owner, 'clerk', [await newStore(t, owner)]);
    for (const [method, url, payload] of [
      ['GET', '/api/staff', undefined],
      ['POST', '/api/stores', { name: 'Sneaky' }],
      ['GET', '/api/keys', undefined],
      ['PATCH', '/api/merchant', { name: 'Mine now' }],
    ] as const) {
      const before = await tableCounts(t);
      const res = await t.app.inject({ method, url, headers: { cookie: clerk.cookie }, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
      expect(await tableCounts(t)).toEqual(before);
    }
  });
});

describe('merchant settings', () => {
  it('the owner changes the time zone, region and attribution window', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/merchant',
      headers: { cookie: owner.cookie },
      payload: { timezone: 'Asia/Taipei', defaultRegion: 'TW', currency: 'TWD', attributionWindowDays: 14 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ timezone: 'Asia/Taipei', defaultRegion: 'TW', currency: 'TWD', attributionWindowDays: 14 });
    const bad = await t.app.inject({ method: 'PATCH', url: '/api/merchant', headers: { cookie: owner.cookie }, payload: { attributionWindowDays: 0 } });
    expect(bad.json().error.code).toBe('validation_failed');
  });

  it('says which message provider the installation uses, to every role, with no address or secret', async () => {
    const clerk = await newStaff(t, owner, 'clerk', [await newStore(t, owner)]);
    for (const cookie of [owner.cookie, clerk.cookie]) {
      const res = await t.app.inject({ url: '/api/merchant', headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.json().messageProvider).toBe('dev');
    }
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/merchant', headers: { cookie: owner.cookie }, payload: { name: 'Renamed Bakery' } });
    expect(patched.json()).toMatchObject({ name: 'Renamed Bakery', messageProvider: 'dev' });

    const gateway = { MESSAGE_PROVIDER: 'http', MESSAGE_HTTP_URL: 'https://sms.example.com/send', MESSAGE_HTTP_TOKEN: 'gateway-secret-token' };
    const other = await createTestApp({ config: gateway });
    try {
      const someone = await newMerchant(other);
      const res = await other.app.inject({ url: '/api/merchant', headers: { cookie: someone.cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.json().messageProvider).toBe('http');
      expect(res.body).not.toContain('sms.example.com');
      expect(res.body).not.toContain(gateway.MESSAGE_HTTP_TOKEN);
    } finally {
      await other.close();
    }
  });
});
