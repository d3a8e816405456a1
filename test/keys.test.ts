import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTenant } from '../src/platform/db.js';
import { createTestApp, newMerchant, newStore, type SignedInOwner, type TestApp } from './helpers.js';

let t: TestApp;
let owner: SignedInOwner;
beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t);
});
afterAll(async () => t.close());

async function createKey(payload: object) {
  const res = await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ key: { id: string; hint: string; role: string | null; lastUsedAt: string | null }; token: string }>();
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('API keys', () => {
  it('shows a secret key once, stores it hashed and lets it call the API with its role', async () => {
    const { key, token } = await createKey({ kind: 'secret', name: 'POS integration' });
    expect(token).toMatch(/^sk_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ kind: 'secret', role: 'manager', hint: `sk_…${token.slice(-4)}`, lastUsedAt: null, revokedAt: null });

    const list = await t.app.inject({ url: '/api/keys', headers: { cookie: owner.cookie } });
    expect(list.body).not.toContain(token.slice(30));
    const stored = await inTenant(t.database.handle.db, owner.merchantId, (tx) =>
      tx.selectFrom('api_keys').select('token_hash').where('key_id', '=', key.id).executeTakeFirstOrThrow(),
    );
    expect(stored.token_hash).not.toContain(token.slice(30));

    const stores = await t.app.inject({ url: '/api/stores', headers: bearer(token) });
    expect(stores.statusCode).toBe(200);
    const me = await t.app.inject({ url: '/api/auth/me', headers: bearer(token) });
    expect(me.json()).toMatchObject({ via: 'secret_key', role: 'manager', staff: null });
    // A manager key may not manage keys.
    expect((await t.app.inject({ url: '/api/keys', headers: bearer(token) })).statusCode).toBe(403);

    const after = (await t.app.inject({ url: '/api/keys', headers: { cookie: owner.cookie } })).json().data.find((k: { id: string }) => k.id === key.id);
    expect(after.lastUsedAt).not.toBeNull();
  });

  it('a clerk key acts only in its stores', async () => {
    const mine = await newStore(t, owner, 'Mine');
    const other = await newStore(t, owner, 'Other');
    const { token } = await createKey({ kind: 'secret', name: 'Till 1', role: 'clerk', storeIds: [mine] });
    expect((await t.app.inject({ url: `/api/stores/${mine}`, headers: bearer(token) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/stores/${other}`, headers: bearer(token) })).json().error.code).toBe('store_not_allowed');
  });

  it('a publishable key may not call the management API', async () => {
    const { token } = await createKey({ kind: 'publishable', name: 'Website' });
    expect(token.startsWith('pk_')).toBe(true);
    const res = await t.app.inject({ url: '/api/stores', headers: bearer(token) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('key_not_allowed');
  });

  it('a revoked key stops working at once', async () => {
    const { key, token } = await createKey({ kind: 'secret', name: 'Old POS', role: 'owner' });
    expect((await t.app.inject({ url: '/api/keys', headers: bearer(token) })).statusCode).toBe(200);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/keys/${key.id}`, headers: { cookie: owner.cookie } });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const res = await t.app.inject({ url: '/api/stores', headers: bearer(token) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_api_key');
  });

  it.each([
    ['a role on a publishable key', { kind: 'publishable', name: 'x', role: 'owner' }, 'validation_failed'],
    ['a clerk key without stores', { kind: 'secret', name: 'x', role: 'clerk' }, 'validation_failed'],
    ['stores on a manager key', { kind: 'secret', name: 'x', storeIds: ['sto_01JD3W6Q0S7RK9V2B8X4M5N6PA'] }, 'validation_failed'],
    ['an unknown store', { kind: 'secret', name: 'x', role: 'clerk', storeIds: ['sto_01JD3W6Q0S7RK9V2B8X4M5N6PA'] }, 'invalid_reference'],
    ['an unknown kind', { kind: 'master', name: 'x' }, 'validation_failed'],
  ])('refuses %s', async (_label, payload, code) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload });
    expect(res.json().error.code).toBe(code);
  });
});
