import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTenant } from '../src/platform/db.js';
import { createTestApp, newMerchant, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

let t: TestApp;
let owner: SignedInOwner;
let pk: string;
let sk: string;

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });

async function createKey(as: SignedInOwner, payload: object): Promise<{ id: string; token: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: as.cookie }, payload });
  return { id: res.json().key.id, token: res.json().token };
}

/** The stored events of a merchant, oldest first. */
async function storedEvents(merchantId: string) {
  return inTenant(t.database.handle.db, merchantId, (tx) =>
    tx.selectFrom('events').selectAll().where('merchant_id', '=', merchantId).orderBy('occurred_at').orderBy('event_id').execute(),
  );
}

async function memberByUserId(as: SignedInOwner, userId: string) {
  const res = await t.app.inject({ url: `/api/members?userId=${encodeURIComponent(userId)}`, headers: { cookie: as.cookie } });
  expect(res.statusCode).toBe(200);
  return res.json().data as { id: string }[];
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t);
  pk = (await createKey(owner, { kind: 'publishable', name: 'Website' })).token;
  sk = (await createKey(owner, { kind: 'secret', name: 'POS', role: 'manager' })).token;
});
afterAll(async () => t.close());

describe('the real Segment client', () => {
  it('@segment/analytics-node sends track, identify, page and alias that are stored and stitched', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as AddressInfo).port;
    expect(address).toContain(String(port));
    const analytics = new Analytics({ writeKey: pk, host: `http://127.0.0.1:${port}`, path: '/v1/batch', flushAt: 3, flushInterval: 200, maxRetries: 0 });
    const errors: unknown[] = [];
    analytics.on('error', (error) => errors.push(error));

    analytics.track({ anonymousId: 'vis_interop', event: 'Offer Viewed', properties: { offer: 'spring' }, timestamp: new Date('2026-01-02T03:04:05Z') });
    analytics.page({ anonymousId: 'vis_interop', name: 'Menu', category: 'Store', properties: { path: '/menu' } });
    analytics.identify({ anonymousId: 'vis_interop', userId: 'interop-user', traits: { name: 'Wang Fang', email: 'Wang.Fang@Example.com', phone: '139 0000 1111' } });
    analytics.alias({ previousId: 'interop-user', userId: 'interop-user-2' });
    analytics.track({ userId: 'interop-user-2', event: 'Coupon Claimed' });
    await analytics.closeAndFlush({ timeout: 20_000 });
    expect(errors).toEqual([]);

    const events = (await storedEvents(owner.merchantId)).filter((e) => e.user_id?.startsWith('interop') || e.anonymous_id === 'vis_interop');
    expect(events.map((e) => [e.type, e.name])).toEqual(
      expect.arrayContaining([
        ['track', 'Offer Viewed'],
        ['page', 'Menu'],
        ['identify', null],
        ['alias', 'interop-user'],
        ['track', 'Coupon Claimed'],
      ]),
    );
    expect(events).toHaveLength(5);
    expect(new Set(events.map((e) => e.member_id)).size).toBe(1);
    const offer = events.find((e) => e.name === 'Offer Viewed')!;
    expect(offer.properties).toEqual({ offer: 'spring' });
    expect(offer.context).toMatchObject({ library: { name: '@segment/analytics-node' } });
    // analytics-node sends sentAt: the time is corrected by the clocks' difference, a few ms here.
    expect(Math.abs(offer.occurred_at.getTime() - Date.parse('2026-01-02T03:04:05Z'))).toBeLessThan(5_000);
    expect(events.find((e) => e.type === 'page')!.properties).toEqual({ path: '/menu', category: 'Store' });

    const [member] = await memberByUserId(owner, 'interop-user-2');
    const profile = (await t.app.inject({ url: `/api/members/${member!.id}`, headers: { cookie: owner.cookie } })).json();
    // Clients deliver batches concurrently, so the alias may come before the identify it refers
    // to; then its previousId is also kept as a possible anonymous id (docs/members.md).
    const identities = profile.identities.map((i: { kind: string; value: string }) => `${i.kind}:${i.value}`).filter((i: string) => i !== 'anonymous:interop-user');
    expect(identities.sort()).toEqual([
      'anonymous:vis_interop',
      'email:wang.fang@example.com',
      'phone:+8613900001111',
      'user:interop-user',
      'user:interop-user-2',
    ]);
    expect(profile).toMatchObject({ id: events[0]!.member_id, name: 'Wang Fang' });
  });
});

describe('ingestion', () => {
  it('stores a messageId once, however often it is sent', async () => {
    const send = () => t.app.inject({ method: 'POST', url: '/v1/track', headers: basic(pk), payload: { userId: 'dedup', event: 'Paid', messageId: 'msg-dedup-1' } });
    const first = await send();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ success: true, accepted: 1, duplicates: 0, rejected: [] });
    expect((await send()).json()).toEqual({ success: true, accepted: 0, duplicates: 1, rejected: [] });
    const batch = await t.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: basic(pk),
      payload: { batch: [{ type: 'track', userId: 'dedup', event: 'Paid', messageId: 'msg-dedup-1' }, { type: 'track', userId: 'dedup', event: 'Again', messageId: 'msg-dedup-2' }, { type: 'track', userId: 'dedup', event: 'Again', messageId: 'msg-dedup-2' }] },
    });
    expect(batch.json()).toEqual({ success: true, accepted: 1, duplicates: 2, rejected: [] });
    const rows = (await storedEvents(owner.merchantId)).filter((e) => e.user_id === 'dedup');
    expect(rows.map((e) => e.message_id)).toEqual(['msg-dedup-1', 'msg-dedup-2']);
  });

  it('an identify sent again after a newer one changes nothing: the newer traits stay', async () => {
    const identify = (messageId: string, name: string) =>
      t.app.inject({ method: 'POST', url: '/v1/identify', headers: basic(pk), payload: { userId: 'resent', messageId, traits: { name, plan: name === 'Old' ? 'trial' : 'paid' } } });
    expect((await identify('msg-resent-1', 'Old')).json()).toMatchObject({ accepted: 1 });
    expect((await identify('msg-resent-2', 'New')).json()).toMatchObject({ accepted: 1 });
    // A client retrying its first call (its acknowledgement was lost), alone and in a batch.
    expect((await identify('msg-resent-1', 'Old')).json()).toEqual({ success: true, accepted: 0, duplicates: 1, rejected: [] });
    const batch = await t.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: basic(pk),
      payload: { batch: [{ type: 'identify', userId: 'resent', messageId: 'msg-resent-1', traits: { name: 'Old', plan: 'trial' } }, { type: 'track', userId: 'resent', event: 'Seen', messageId: 'msg-resent-3' }] },
    });
    expect(batch.json()).toEqual({ success: true, accepted: 1, duplicates: 1, rejected: [] });
    const [member] = await memberByUserId(owner, 'resent');
    const profile = (await t.app.inject({ url: `/api/members/${member!.id}`, headers: { cookie: owner.cookie } })).json();
    expect(profile).toMatchObject({ name: 'New', traits: { name: 'New', plan: 'paid' } });
  });

  it('stores the valid events of a batch and lists the invalid ones with index, messageId and reason', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: basic(pk),
      payload: {
        context: { library: { name: 'pos-sync' } },
        batch: [
          { type: 'track', userId: 'partial', event: 'Visit', messageId: 'p-0' },
          { type: 'track', event: 'Nobody', messageId: 'p-1' },
          { type: 'identify', userId: 'partial', traits: { name: 'Zhao' }, messageId: 'p-2' },
          { type: 'shout', userId: 'partial', messageId: 'p-3' },
          { type: 'track', userId: 'partial', event: 'Late', timestamp: 'last tuesday', messageId: 'p-4' },
          { type: 'screen', anonymousId: 'partial-device', name: 'Home', messageId: 'p-5' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ success: true, accepted: 3, duplicates: 0 });
    expect(body.rejected.map((r: { index: number; messageId: string; code: string }) => [r.index, r.messageId, r.code])).toEqual([
      [1, 'p-1', 'validation_failed'],
      [3, 'p-3', 'validation_failed'],
      [4, 'p-4', 'validation_failed'],
    ]);
    expect(body.rejected[0].details).toEqual([{ path: '/batch/1/userId', problem: 'a userId or an anonymousId is required' }]);
    expect(body.rejected[2].details).toEqual([{ path: '/batch/4/timestamp', problem: 'must be an ISO 8601 date and time' }]);
    const stored = (await storedEvents(owner.merchantId)).filter((e) => e.message_id.startsWith('p-'));
    expect(stored.map((e) => e.message_id).sort()).toEqual(['p-0', 'p-2', 'p-5']);
    expect(stored.find((e) => e.message_id === 'p-0')!.context).toEqual({ library: { name: 'pos-sync' } });
  });

  it('rejects an invalid single event with a clear error and writes nothing', async () => {
    const before = await tableCounts(t);
    for (const [url, payload, path] of [
      ['/v1/track', { userId: 'x' }, '/body/event'],
      ['/v1/track', { event: 'No one' }, '/body/userId'],
      ['/v1/alias', { userId: 'x' }, '/body/previousId'],
      ['/v1/identify', { userId: 'x', traits: 'vip' }, '/body/traits'],
      ['/v1/page', { anonymousId: 'x', type: 'track' }, '/body/type'],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url, headers: basic(pk), payload });
      expect(res.statusCode, `${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await tableCounts(t)).toEqual(before);
  });

  it('accepts gzip bodies, and refuses broken gzip and other encodings', async () => {
    const batch = { batch: [{ type: 'track', anonymousId: 'gz-1', event: 'Zipped', messageId: 'gz-1' }] };
    const zipped = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: { ...basic(pk), 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: gzipSync(JSON.stringify(batch)) });
    expect(zipped.statusCode).toBe(200);
    expect(zipped.json().accepted).toBe(1);
    const single = await t.app.inject({ method: 'POST', url: '/v1/track', headers: { ...basic(pk), 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: gzipSync(JSON.stringify({ userId: 'gz', event: 'One' })) });
    expect(single.json().accepted).toBe(1);
    const broken = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: { ...basic(pk), 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: Buffer.from('not gzip at all') });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('malformed_json');
    const deflate = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: { ...basic(pk), 'content-type': 'application/json', 'content-encoding': 'br' }, payload: Buffer.from('x') });
    expect(deflate.statusCode).toBe(415);
    expect(deflate.json().error.code).toBe('unsupported_media_type');
  });

  it('limits one event to 32 KB and a batch to 500 KB, also after decompression', async () => {
    const big = 'x'.repeat(33 * 1024);
    const single = await t.app.inject({ method: 'POST', url: '/v1/track', headers: basic(pk), payload: { userId: 'big', event: 'Big', properties: { big } } });
    expect(single.statusCode).toBe(413);
    expect(single.json().error.code).toBe('payload_too_large');

    const mixed = await t.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: basic(pk),
      payload: { batch: [{ type: 'track', userId: 'big', event: 'Big', messageId: 'big-1', properties: { big } }, { type: 'track', userId: 'big', event: 'Small', messageId: 'big-2' }] },
    });
    expect(mixed.statusCode).toBe(200);
    expect(mixed.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, messageId: 'big-1', code: 'payload_too_large' }] });

    const tooMany = { batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: 'big', event: 'Big', messageId: `huge-${i}`, properties: { big: 'y'.repeat(30 * 1024) } })) };
    const whole = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: basic(pk), payload: tooMany });
    expect(whole.statusCode).toBe(413);
    expect(whole.json().error.code).toBe('payload_too_large');
    // A small gzip body that inflates past the limit ("zip bomb") is cut off at the limit.
    const bomb = gzipSync(JSON.stringify({ batch: [], pad: 'z'.repeat(2 * 1024 * 1024) }));
    expect(bomb.length).toBeLessThan(10 * 1024);
    const inflated = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: { ...basic(pk), 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: bomb });
    expect(inflated.statusCode).toBe(413);
    expect((await storedEvents(owner.merchantId)).some((e) => e.message_id.startsWith('huge-'))).toBe(false);
  });

  it("honours the client's timestamp", async () => {
    await t.app.inject({ method: 'POST', url: '/v1/track', headers: basic(pk), payload: { userId: 'clock', event: 'Past', messageId: 'clock-1', timestamp: '2025-12-24T18:00:00+08:00' } });
    const [row] = (await storedEvents(owner.merchantId)).filter((e) => e.message_id === 'clock-1');
    expect(row!.occurred_at.toISOString()).toBe('2025-12-24T10:00:00.000Z');
  });

  it('stores text exactly: tabs, newlines, backslashes, quotes, Chinese and emoji in names, ids and JSON', async () => {
    const awkward = 'tab\there\nnew line\r\\back\\slash "quoted" \\N 蛋糕 🎂';
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: basic(pk),
      payload: {
        batch: [
          { type: 'track', userId: `user\t${awkward}`, event: awkward, messageId: 'awkward-1', properties: { note: awkward, nested: { list: [awkward, null, 1.5] } }, context: { page: { title: awkward } } },
          { type: 'identify', anonymousId: 'vis\\awkward', messageId: 'awkward-2', traits: { name: awkward } },
        ],
      },
    });
    expect(res.json()).toMatchObject({ accepted: 2, rejected: [] });
    const rows = (await storedEvents(owner.merchantId)).filter((e) => e.message_id.startsWith('awkward-'));
    const track = rows.find((e) => e.message_id === 'awkward-1')!;
    expect(track.name).toBe(awkward);
    expect(track.user_id).toBe(`user\t${awkward}`);
    expect(track.properties).toEqual({ note: awkward, nested: { list: [awkward, null, 1.5] } });
    expect(track.context).toMatchObject({ page: { title: awkward } });
    const identify = rows.find((e) => e.message_id === 'awkward-2')!;
    expect(identify.anonymous_id).toBe('vis\\awkward');
    expect(identify.traits).toEqual({ name: awkward });
  });

  it("takes analytics.js's way: text/plain JSON, write key in the body, short paths", async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/t',
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example.com' },
      payload: JSON.stringify({ writeKey: pk, anonymousId: 'ajs-anon', userId: null, event: 'Clicked Buy', messageId: 'ajs-1', sentAt: new Date().toISOString(), _metadata: { bundled: [] } }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const batch = await t.app.inject({
      method: 'POST',
      url: '/v1/b',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ writeKey: pk, batch: [{ type: 'page', anonymousId: 'ajs-anon', name: 'Cart', messageId: 'ajs-2' }], sentAt: new Date().toISOString() }),
    });
    expect(batch.json().accepted).toBe(1);
    const noKey = await t.app.inject({ method: 'POST', url: '/v1/t', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ anonymousId: 'a', event: 'E' }) });
    expect(noKey.statusCode).toBe(401);
    expect(noKey.json().error.code).toBe('unauthenticated');
  });

  it('answers CORS preflights and puts the CORS header on errors too', async () => {
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/batch',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    const refused = await t.app.inject({ method: 'POST', url: '/v1/track', headers: { origin: 'https://shop.example.com', authorization: 'Basic Zm9vOg==' }, payload: {} });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    // The management API stays same-origin.
    const api = await t.app.inject({ method: 'OPTIONS', url: '/api/stores', headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'GET' } });
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('authentication', () => {
  it.each([
    ['no credentials', () => ({}), 401, 'unauthenticated'],
    ['a malformed key', () => basic('pk_nonsense'), 401, 'invalid_api_key'],
    ['an unknown key of the right shape', () => basic(`${pk.slice(0, 30)}${'A'.repeat(43)}`), 401, 'invalid_api_key'],
    ['Basic with no user name', () => ({ authorization: `Basic ${Buffer.from(`:${pk}`).toString('base64')}` }), 401, 'invalid_api_key'],
    ['a garbled Basic header', () => ({ authorization: 'Basic ***' }), 401, 'invalid_api_key'],
    ['pk as Basic user', () => basic(pk), 200, null],
    ['pk as Bearer', () => ({ authorization: `Bearer ${pk}` }), 200, null],
    ['sk as Bearer', () => ({ authorization: `Bearer ${sk}` }), 200, null],
    ['sk as Basic user', () => basic(sk), 200, null],
  ])('%s', async (_label, headers, status, code) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/track', headers: headers(), payload: { userId: 'auth', event: 'Tried' } });
    expect(res.statusCode).toBe(status);
    if (code) expect(res.json().error.code).toBe(code);
  });

  it('a revoked key is refused, and a publishable key may not use the management API', async () => {
    const key = await createKey(owner, { kind: 'publishable', name: 'Old site' });
    expect((await t.app.inject({ method: 'POST', url: '/v1/track', headers: basic(key.token), payload: { userId: 'r', event: 'E' } })).statusCode).toBe(200);
    await t.app.inject({ method: 'DELETE', url: `/api/keys/${key.id}`, headers: { cookie: owner.cookie } });
    const revoked = await t.app.inject({ method: 'POST', url: '/v1/track', headers: basic(key.token), payload: { userId: 'r', event: 'E' } });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.code).toBe('invalid_api_key');
    for (const headers of [basic(pk), { authorization: `Bearer ${pk}` }]) {
      const api = await t.app.inject({ url: '/api/members', headers });
      expect(api.statusCode).toBe(403);
      expect(api.json().error.code).toBe('key_not_allowed');
    }
  });
});

describe('tenants', () => {
  it("events sent with A's key land in A only; the same messageId is independent per merchant", async () => {
    const other = await newMerchant(t, 'Other Shop');
    const otherPk = (await createKey(other, { kind: 'publishable', name: 'web' })).token;
    const payload = { userId: 'shared-user', event: 'Hello', messageId: 'shared-msg' };
    expect((await t.app.inject({ method: 'POST', url: '/v1/track', headers: basic(otherPk), payload })).json().accepted).toBe(1);
    expect((await t.app.inject({ method: 'POST', url: '/v1/track', headers: basic(pk), payload })).json().accepted).toBe(1);
    const mine = (await storedEvents(owner.merchantId)).filter((e) => e.message_id === 'shared-msg');
    const theirs = (await storedEvents(other.merchantId)).filter((e) => e.message_id === 'shared-msg');
    expect(mine).toHaveLength(1);
    expect(theirs).toHaveLength(1);
    expect(mine[0]!.member_id).not.toBe(theirs[0]!.member_id);
    expect(await memberByUserId(other, 'dedup')).toEqual([]);
  });
});
