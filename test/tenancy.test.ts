import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newMerchant, newStaff, newStore, onPostgres, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

/**
 * Merchant A, with its session and its secret key, tries every endpoint that takes an id with
 * merchant B's ids: always 404, never B's data, nothing of B's changed.
 */
let t: TestApp;
let a: SignedInOwner;
let b: SignedInOwner;
let aKey: string;
const ids: { store: string; staff: string; key: string } = { store: '', staff: '', key: '' };

beforeAll(async () => {
  t = await createTestApp();
  a = await newMerchant(t, 'Merchant A');
  b = await newMerchant(t, 'Merchant B');
  ids.store = await newStore(t, b, "B's store");
  ids.staff = (await newStaff(t, b, 'manager')).staffId;
  ids.key = (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: b.cookie }, payload: { kind: 'secret', name: 'B key' } })).json().key.id;
  aKey = (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: a.cookie }, payload: { kind: 'secret', name: 'A key', role: 'owner' } })).json().token;
});
afterAll(async () => t.close());

const crossTenantCalls = () =>
  [
    ['GET', `/api/stores/${ids.store}`, undefined],
    ['PATCH', `/api/stores/${ids.store}`, { name: 'taken over' }],
    ['GET', `/api/staff/${ids.staff}`, undefined],
    ['PATCH', `/api/staff/${ids.staff}`, { name: 'taken over' }],
    ['PATCH', `/api/staff/${b.staffId}`, { disabled: true }],
    ['DELETE', `/api/keys/${ids.key}`, undefined],
  ] as const;

describe('tenant isolation', () => {
  it.each(['session', 'secret key'] as const)("with A's %s, every id of B is not found and B is untouched", async (via) => {
    const headers = via === 'session' ? { cookie: a.cookie } : { authorization: `Bearer ${aKey}` };
    const bBefore = await snapshotOfB();
    const countsBefore = await tableCounts(t);
    for (const [method, url, payload] of crossTenantCalls()) {
      const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      expect(res.body).not.toContain("B's store");
    }
    expect(await snapshotOfB()).toEqual(bBefore);
    expect(await tableCounts(t)).toEqual(countsBefore);
  });

  it("lists only A's own rows", async () => {
    const stores = (await t.app.inject({ url: '/api/stores', headers: { cookie: a.cookie } })).json().data;
    const staff = (await t.app.inject({ url: '/api/staff', headers: { cookie: a.cookie } })).json().data;
    const keys = (await t.app.inject({ url: '/api/keys', headers: { cookie: a.cookie } })).json().data;
    expect(stores).toEqual([]);
    expect(staff.map((s: { id: string }) => s.id)).toEqual([a.staffId]);
    expect(keys.map((k: { name: string }) => k.name)).toEqual(['A key']);
  });

  it("a key or cookie rewritten to name B's merchant is refused", async () => {
    const bUlid = b.merchantId.slice(4);
    const forgedKey = `sk_${bUlid}${aKey.slice(29)}`;
    const res = await t.app.inject({ url: '/api/stores', headers: { authorization: `Bearer ${forgedKey}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_api_key');
    const forgedCookie = `rsv_session=${bUlid}${a.cookie.slice('rsv_session='.length + 26)}`;
    const res2 = await t.app.inject({ url: '/api/stores', headers: { cookie: forgedCookie } });
    expect(res2.statusCode).toBe(401);
  });

  async function snapshotOfB() {
    const [store, staff, keys] = await Promise.all([
      t.app.inject({ url: `/api/stores/${ids.store}`, headers: { cookie: b.cookie } }),
      t.app.inject({ url: '/api/staff', headers: { cookie: b.cookie } }),
      t.app.inject({ url: '/api/keys', headers: { cookie: b.cookie } }),
    ]);
    return [store.json(), staff.json(), keys.json()];
  }
});

describe.runIf(onPostgres)('row-level security on PostgreSQL', () => {
  it('a raw query with no merchant set sees no rows; with one set, only that merchant', async () => {
    const client = new pg.Client({ connectionString: t.database.url! });
    await client.connect();
    try {
      const role = await client.query<{ rolsuper: boolean; rolbypassrls: boolean }>('select rolsuper, rolbypassrls from pg_roles where rolname = current_user');
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      for (const table of ['merchants', 'stores', 'staff', 'sessions', 'api_keys']) {
        const res = await client.query(`select count(*)::int as n from ${table}`);
        expect(res.rows[0].n, table).toBe(0);
      }
      await client.query('begin');
      await client.query(`select set_config('reservoir.merchant_id', $1, true)`, [b.merchantId]);
      const visible = await client.query<{ merchant_id: string }>('select distinct merchant_id from staff');
      expect(visible.rows.map((r) => r.merchant_id)).toEqual([b.merchantId]);
      await expect(
        client.query(`insert into stores (merchant_id, store_id, name, timezone) values ($1, 'sto_X', 'smuggled', 'UTC')`, [a.merchantId]),
      ).rejects.toMatchObject({ code: '42501' });
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });
});
