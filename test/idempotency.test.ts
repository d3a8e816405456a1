import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/principal.js';
import { inTenant } from '../src/platform/db.js';
import { AppError } from '../src/platform/errors.js';
import { createServer, type App } from '../src/platform/http.js';
import { purgeExpiredIdempotencyKeys, registerIdempotency, requestHash } from '../src/platform/idempotency.js';
import { createTestApp, newMerchant, newStaff, newStore, tableCounts, testConfig, type SignedInOwner, type TestApp } from './helpers.js';

let t: TestApp;
let owner: SignedInOwner;

beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t);
});
afterAll(async () => t.close());

type Auth = { cookie: string } | { token: string };
const headersOf = (auth: Auth) => ('cookie' in auth ? { cookie: auth.cookie } : { authorization: `Bearer ${auth.token}` });

function post(auth: Auth, url: string, payload: object, key?: string) {
  return t.app.inject({ method: 'POST', url, headers: { ...headersOf(auth), ...(key ? { 'idempotency-key': key } : {}) }, payload });
}

async function keyRows(merchantId: string) {
  return inTenant(t.database.handle.db, merchantId, (tx) => tx.selectFrom('idempotency_keys').selectAll().where('merchant_id', '=', merchantId).execute());
}

describe('Idempotency-Key on the API', () => {
  it('replays the first response to the same request instead of acting twice', async () => {
    const key = randomUUID();
    const first = await post(owner, '/api/stores', { name: 'Replayed' }, key);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await tableCounts(t);
    const again = await post(owner, '/api/stores', { name: 'Replayed' }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toContain('application/json');
    expect(again.json()).toEqual(first.json());
    expect(await tableCounts(t)).toEqual(before);
  });

  it('refuses the same key with a different body or path, writing nothing', async () => {
    const key = randomUUID();
    await post(owner, '/api/stores', { name: 'First use' }, key);
    const before = await tableCounts(t);
    for (const res of [await post(owner, '/api/stores', { name: 'Second use' }, key), await post(owner, '/api/channels', { name: 'First use', kind: 'social' }, key)]) {
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('idempotency_key_reused');
    }
    expect(await tableCounts(t)).toEqual(before);
  });

  it('saves nothing for a request refused before it ran: fixed, it runs under the same key', async () => {
    const key = randomUUID();
    const bad = await post(owner, '/api/stores', { name: '' }, key);
    expect(bad.statusCode).toBe(400);
    const clerk = await newStaff(t, owner, 'clerk', [await newStore(t, owner)]);
    const forbidden = await post(clerk, '/api/stores', { name: 'Clerk store' }, key);
    expect(forbidden.statusCode).toBe(403);
    const fixed = await post(owner, '/api/stores', { name: 'Fixed' }, key);
    expect(fixed.statusCode).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it('replays an answer the handler gave, errors included', async () => {
    const store = await newStore(t, owner);
    const key = randomUUID();
    const body = { storeId: store, items: [{ name: 'x', quantity: 1, unitPriceCents: 100 }], totalCents: 90, paymentMethod: 'cash' };
    const first = await post(owner, '/api/orders', body, key);
    expect(first.statusCode).toBe(422);
    expect(first.json().error.code).toBe('order_total_mismatch');
    const again = await post(owner, '/api/orders', body, key);
    expect(again.statusCode).toBe(422);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });

  it('keys of different callers and different merchants never collide', async () => {
    const key = randomUUID();
    const manager = await newStaff(t, owner, 'manager');
    const token = (await post(owner, '/api/keys', { kind: 'secret', name: 'POS', role: 'manager' })).json().token as string;
    const other = await newMerchant(t, 'Other Bakery');
    const ids = new Set<string>();
    for (const auth of [owner, manager, { token }, other]) {
      const res = await post(auth, '/api/stores', { name: 'Same body' }, key);
      expect(res.statusCode).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      ids.add(res.json().id);
    }
    expect(ids.size).toBe(4);
    expect((await keyRows(other.merchantId)).filter((r) => r.idempotency_key === key)).toHaveLength(1);
  });

  it('of concurrent requests under one key, one runs; the others are told it is in flight or get its answer', async () => {
    const store = await newStore(t, owner);
    const key = randomUUID();
    const body = { storeId: store, items: [{ name: 'x', quantity: 1, unitPriceCents: 100 }], totalCents: 100, paymentMethod: 'cash', member: { phone: '13811112222' } };
    const before = await tableCounts(t);
    const results = await Promise.all(Array.from({ length: 8 }, () => post(owner, '/api/orders', body, key)));
    const executed = results.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined);
    expect(executed).toHaveLength(1);
    for (const res of results) {
      if (res.statusCode === 409) {
        expect(res.json().error.code).toBe('idempotency_key_in_flight');
        expect(res.headers['retry-after']).toBe('1');
      } else {
        expect(res.statusCode).toBe(201);
        expect(res.json().id).toBe(executed[0]!.json().id);
      }
    }
    const after = await tableCounts(t);
    expect(after.orders).toBe(before.orders! + 1);
    expect(after.outbox).toBe(before.outbox! + 1);
    const retry = await post(owner, '/api/orders', body, key);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(executed[0]!.json().id);
  });

  it('refuses a malformed key before doing anything', async () => {
    const before = await tableCounts(t);
    for (const key of ['x'.repeat(256), 'has space', '密钥']) {
      const res = await post(owner, '/api/stores', { name: 'Bad key' }, key);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: '/headers/idempotency-key' }] });
    }
    expect(await tableCounts(t)).toEqual(before);
  });

  it('is ignored where answers are never stored (new API keys) and outside POSTs under /api', async () => {
    const key = randomUUID();
    const a = await post(owner, '/api/keys', { kind: 'secret', name: 'A' }, key);
    const b = await post(owner, '/api/keys', { kind: 'secret', name: 'A' }, key);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().token).not.toBe(b.json().token);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    const get = await t.app.inject({ url: '/api/stores', headers: { cookie: owner.cookie, 'idempotency-key': key } });
    expect(get.statusCode).toBe(200);
    expect((await keyRows(owner.merchantId)).filter((r) => r.idempotency_key === key)).toEqual([]);
  });

  it('forgets keys after 24 hours, and purges them', async () => {
    const key = randomUUID();
    await post(owner, '/api/stores', { name: 'Long ago' }, key);
    const db = t.database.handle.db;
    await inTenant(db, owner.merchantId, (tx) =>
      tx.updateTable('idempotency_keys').set({ expires_at: new Date(Date.now() - 1000) }).where('merchant_id', '=', owner.merchantId).where('idempotency_key', '=', key).execute(),
    );
    const reused = await post(owner, '/api/stores', { name: 'Something else' }, key);
    expect(reused.statusCode).toBe(201);
    expect(reused.json().name).toBe('Something else');

    await inTenant(db, owner.merchantId, (tx) => tx.updateTable('idempotency_keys').set({ expires_at: new Date(Date.now() - 1000) }).where('merchant_id', '=', owner.merchantId).execute());
    const purged = await inTenant(db, owner.merchantId, (tx) => purgeExpiredIdempotencyKeys(owner.merchantId, tx));
    expect(purged).toBeGreaterThan(0);
    expect(await keyRows(owner.merchantId)).toEqual([]);
  });

  it('takes over a claim abandoned by a process that died mid-request', async () => {
    const key = randomUUID();
    const body = { name: 'After a crash' };
    await inTenant(t.database.handle.db, owner.merchantId, (tx) =>
      tx
        .insertInto('idempotency_keys')
        .values({
          merchant_id: owner.merchantId,
          principal: `staff:${owner.staffId}`,
          idempotency_key: key,
          request_hash: requestHash('POST', '/api/stores', body),
          claim_id: 'dead-process',
          state: 'in_flight',
          claimed_at: new Date(Date.now() - 10 * 60_000),
          expires_at: new Date(Date.now() + 3600_000),
        })
        .execute(),
    );
    const res = await post(owner, '/api/stores', body, key);
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('the hooks around a handler', () => {
  let app: App;
  let merchantId: string;
  let calls: Record<string, number>;
  let gate: { open: () => void; wait: Promise<void> };

  const principal = (staffId: string): Principal => ({ merchantId, via: 'session', role: 'owner', storeIds: null, staffId, sessionId: null, keyId: null });
  const call = (url: string, key: string, payload: object = { a: 1 }) =>
    app.inject({ method: 'POST', url, headers: { 'idempotency-key': key, 'x-staff': 'stf_test' }, payload });

  beforeAll(async () => {
    merchantId = (await newMerchant(t, 'Hook Bakery')).merchantId;
    calls = {};
    app = createServer(testConfig());
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      request.principal = principal(String(request.headers['x-staff']));
    });
    registerIdempotency(app, t.database.handle.db);
    const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
    const auth = { auth: ['owner'] as const };
    app.post('/api/flaky', { config: auth }, async (_request, reply) => {
      if (count('flaky') === 1) throw new Error('the database went away');
      return reply.code(201).send({ calls: calls.flaky });
    });
    app.post('/api/busy', { config: auth }, async () => {
      if (count('busy') === 1) throw new AppError('rate_limited');
      return { calls: calls.busy };
    });
    app.post('/api/empty', { config: auth }, async (_request, reply) => {
      count('empty');
      return reply.code(204).send();
    });
    app.post('/api/slow', { config: auth }, async () => {
      count('slow');
      await gate.wait;
      return { calls: calls.slow };
    });
    app.post('/api/public', { config: { auth: 'public' } }, async () => ({ calls: count('public') }));
    await app.ready();
  });
  afterAll(async () => app.close());

  it('a 5xx answer frees the key, so the retry runs', async () => {
    const key = randomUUID();
    expect((await call('/api/flaky', key)).statusCode).toBe(500);
    const retry = await call('/api/flaky', key);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual({ calls: 2 });
    const replay = await call('/api/flaky', key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual({ calls: 2 });
  });

  it('so does a 429', async () => {
    const key = randomUUID();
    expect((await call('/api/busy', key)).statusCode).toBe(429);
    expect((await call('/api/busy', key)).json()).toEqual({ calls: 2 });
  });

  it('replays an empty 204', async () => {
    const key = randomUUID();
    await call('/api/empty', key);
    const replay = await call('/api/empty', key);
    expect(replay.statusCode).toBe(204);
    expect(replay.body).toBe('');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(calls.empty).toBe(1);
  });

  it('answers in flight while the first request runs, then replays it', async () => {
    let open!: () => void;
    gate = { wait: new Promise<void>((resolve) => (open = resolve)), open: () => open() };
    const key = randomUUID();
    const first = call('/api/slow', key);
    while (!calls.slow) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await call('/api/slow', key);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('idempotency_key_in_flight');
    // Another caller's key of the same name is theirs: it runs at once.
    const otherCaller = app.inject({ method: 'POST', url: '/api/slow', headers: { 'idempotency-key': key, 'x-staff': 'stf_other' }, payload: { a: 1 } });
    while (calls.slow < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    gate.open();
    expect((await otherCaller).headers['idempotent-replayed']).toBeUndefined();
    expect((await first).json()).toEqual({ calls: 2 });
    const third = await call('/api/slow', key);
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(third.json()).toEqual({ calls: 2 });
  });

  it('leaves routes without a merchant alone', async () => {
    const key = randomUUID();
    await call('/api/public', key);
    await call('/api/public', key);
    expect(calls.public).toBe(2);
  });
});
