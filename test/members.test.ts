import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityLockId } from '../src/members/queries.js';
import { lastTouchWithin } from '../src/members/touches.js';
import { applyClickTouches } from '../src/members/touches.js';
import { resolveMember } from '../src/members/stitch.js';
import { inTenant } from '../src/platform/db.js';
import { newId } from '../src/platform/ids.js';
import { createTestApp, newMerchant, newStaff, newStore, onPostgres, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

let t: TestApp;
let owner: SignedInOwner;
let pk: string;
let link: { linkId: string; channelId: string };

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t);
  pk = (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload: { kind: 'publishable', name: 'web' } })).json().token;
  link = await addLink(owner.merchantId, 'Dianping', 'spring-dp', 'spring');
});
afterAll(async () => t.close());

/** Sends one event through the tracking API with the write key as Basic user. */
async function send(type: string, payload: Record<string, unknown>, key = pk) {
  const res = await t.app.inject({ method: 'POST', url: `/v1/${type}`, headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` }, payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** A channel and a link, written directly (the taps API is another engineer's). */
async function addLink(merchantId: string, channel: string, slug: string, campaign: string | null) {
  const channelId = newId('channel');
  const linkId = newId('link');
  await inTenant(t.database.handle.db, merchantId, async (tx) => {
    await tx.insertInto('channels').values({ merchant_id: merchantId, channel_id: channelId, name: channel, kind: 'marketplace', archived_at: null }).execute();
    await tx
      .insertInto('links')
      .values({ merchant_id: merchantId, link_id: linkId, slug, channel_id: channelId, campaign, destination: 'https://shop.example.com/', expires_at: null, active: true })
      .execute();
  });
  return { linkId, channelId };
}

/** A click of a visitor, stored as the click flusher stores it (with its touch update). */
async function addClick(merchantId: string, visitorId: string, at: Date, via = link): Promise<string> {
  const clickId = newId('click');
  await inTenant(t.database.handle.db, merchantId, async (tx) => {
    await tx
      .insertInto('clicks')
      .values({ merchant_id: merchantId, click_id: clickId, link_id: via.linkId, channel_id: via.channelId, visitor_id: visitorId, occurred_at: at, is_scan: false, referrer: null, ip_hash: null, ua_family: null, country: null, region: null })
      .execute();
    await applyClickTouches(merchantId, tx, [{ clickId, visitorId, occurredAt: at }]);
  });
  return clickId;
}

async function profile(id: string, cookie = owner.cookie) {
  const res = await t.app.inject({ url: `/api/members/${id}`, headers: { cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function search(query: string, cookie = owner.cookie): Promise<{ id: string; phone: string | null; name: string | null }[]> {
  const res = await t.app.inject({ url: `/api/members?${query}`, headers: { cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

async function memberOf(query: string): Promise<string> {
  const found = await search(query);
  expect(found, query).toHaveLength(1);
  return found[0]!.id;
}

const identityList = (p: { identities: { kind: string; value: string }[] }) => p.identities.map((i) => `${i.kind}:${i.value}`).sort();

describe('stitching', () => {
  it('a visitor who clicked a link and later identifies is one member, with that click as first touch', async () => {
    const clickId = await addClick(owner.merchantId, 'vis_cookie1', daysAgo(3));
    await send('page', { anonymousId: 'vis_cookie1', name: 'Offer' });
    await send('identify', { anonymousId: 'vis_cookie1', userId: 'cookie-user', traits: { phone: '138-0013-8000', name: 'Chen Jing' } });
    const id = await memberOf('userId=cookie-user');
    expect(await memberOf('q=vis_cookie1')).toBe(id);
    const p = await profile(id);
    expect(p.firstTouch).toMatchObject({ clickId, linkId: link.linkId, slug: 'spring-dp', campaign: 'spring', channelId: link.channelId, channelName: 'Dianping', isScan: false });
    expect(p.lastTouch.clickId).toBe(clickId);
    expect(identityList(p)).toEqual(['anonymous:vis_cookie1', 'phone:+8613800138000', 'user:cookie-user']);
    expect(p.timeline.map((e: { kind: string; type?: string }) => e.type ?? e.kind)).toEqual(['identify', 'page', 'click']);

    // A later click of the same visitor (flushed after the member exists) moves the last touch only.
    const later = await addClick(owner.merchantId, 'vis_cookie1', daysAgo(1));
    const after = await profile(id);
    expect([after.firstTouch.clickId, after.lastTouch.clickId]).toEqual([clickId, later]);
  });

  it('merges a three-way chain across requests into the earliest member, keeping the earliest first touch', async () => {
    await send('track', { anonymousId: 'vis_chain1', event: 'Viewed' });
    await send('track', { anonymousId: 'vis_chain2', event: 'Viewed' });
    await send('track', { anonymousId: 'vis_chain3', event: 'Viewed' });
    const [m1, m2, m3] = [await memberOf('q=vis_chain1'), await memberOf('q=vis_chain2'), await memberOf('q=vis_chain3')];
    expect(new Set([m1, m2, m3]).size).toBe(3);
    const earliest = await addClick(owner.merchantId, 'vis_chain2', daysAgo(20));
    const latest = await addClick(owner.merchantId, 'vis_chain3', daysAgo(2));
    await addClick(owner.merchantId, 'vis_chain1', daysAgo(10));

    await send('identify', { anonymousId: 'vis_chain2', userId: 'chain-user' });
    await send('identify', { anonymousId: 'vis_chain3', userId: 'chain-user' }); // m3 → m2
    await send('alias', { previousId: 'vis_chain1', userId: 'chain-user' }); // m2 → m1

    const p = await profile(m1);
    expect(p.id).toBe(m1);
    expect(identityList(p)).toEqual(['anonymous:vis_chain1', 'anonymous:vis_chain2', 'anonymous:vis_chain3', 'user:chain-user']);
    expect(p.firstTouch.clickId).toBe(earliest);
    expect(p.lastTouch.clickId).toBe(latest);
    expect(p.merges.map((m: { survivorId: string; mergedId: string }) => [m.survivorId, m.mergedId])).toEqual([
      [m1, m2],
      [m2, m3],
    ]);
    expect(p.merges[1].reason).toBe('identify anonymousId=vis_chain3 userId=chain-user');
    expect(p.merges[1].actor).toMatch(/^event:evt_/);
    expect(p.merges[0].reason).toContain('alias');
    expect(p.mergedIds.sort()).toEqual([m2, m3].sort());
    // Every event is filed under the survivor; old ids lead to it.
    expect(p.timeline.filter((e: { kind: string }) => e.kind === 'event')).toHaveLength(6);
    expect((await profile(m3)).id).toBe(m1);
    expect((await profile(m2)).id).toBe(m1);
    expect(await search('q=vis_chain3')).toEqual([expect.objectContaining({ id: m1 })]);
    const rows = await inTenant(t.database.handle.db, owner.merchantId, (tx) =>
      tx.selectFrom('members').select(['member_id', 'merged_into']).where('member_id', 'in', [m1, m2, m3]).orderBy('member_id').execute(),
    );
    expect(Object.fromEntries(rows.map((r) => [r.member_id, r.merged_into]))).toEqual({ [m1]: null, [m2]: m1, [m3]: m1 });
  });

  it('a batch that chains three ids writes one member and no merge', async () => {
    const before = await tableCounts(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: `Basic ${Buffer.from(`${pk}:`).toString('base64')}` },
      payload: {
        batch: [
          { type: 'track', anonymousId: 'vis_b1', event: 'A' },
          { type: 'track', anonymousId: 'vis_b2', event: 'B' },
          { type: 'identify', anonymousId: 'vis_b1', userId: 'batch-user', traits: { email: 'Batch@Example.com' } },
          { type: 'identify', anonymousId: 'vis_b2', traits: { email: 'batch@example.com' } },
        ],
      },
    });
    expect(res.json().accepted).toBe(4);
    const after = await tableCounts(t);
    expect(after.members! - before.members!).toBe(1);
    expect(after.member_merges).toBe(before.member_merges);
    const p = await profile(await memberOf('email=BATCH@example.com'));
    expect(identityList(p)).toEqual(['anonymous:vis_b1', 'anonymous:vis_b2', 'email:batch@example.com', 'user:batch-user']);
  });

  it('reads phones in any format in the merchant region, external ids in both shapes, and skips unreadable ones', async () => {
    await send('identify', { userId: 'norm-1', traits: { phone: '139 1111 2222', externalIds: { POS: 'card-88' } } });
    await send('identify', { userId: 'norm-2', traits: { phone: '+86 139-1111-2222' } });
    const id = await memberOf('userId=norm-1');
    expect(await memberOf('userId=norm-2')).toBe(id);
    await send('identify', { anonymousId: 'vis_norm', traits: { externalIds: [{ type: 'taobao', id: 'tb_nick', collection: 'users', encoding: 'none' }], email: 'not-an-email', phone: '12' } });
    await send('track', { anonymousId: 'vis_norm', event: 'Bought', context: { externalIds: [{ type: 'pos', id: 'card-88' }] } });
    const p = await profile(id);
    expect(identityList(p)).toEqual(['anonymous:vis_norm', 'external:pos:card-88', 'external:taobao:tb_nick', 'phone:+8613911112222', 'user:norm-1', 'user:norm-2']);
    for (const query of ['phone=13911112222', 'phone=%2B86%20139%201111%202222', 'q=139-1111-2222', 'externalId=POS:card-88', 'q=taobao:tb_nick']) {
      expect(await memberOf(query)).toBe(id);
    }
  });

  it('resolveMember finds, creates and merges in the caller transaction, recording the actor', async () => {
    const db = t.database.handle.db;
    const a = await inTenant(db, owner.merchantId, (tx) => resolveMember(owner.merchantId, tx, [{ kind: 'phone', value: '+8613700000001' }], { reason: 'claim', actor: 'claim:cpn_1' }));
    const b = await inTenant(db, owner.merchantId, (tx) => resolveMember(owner.merchantId, tx, [{ kind: 'external', value: 'pos:777' }], { reason: 'order', actor: 'order:ord_1' }));
    expect(a).not.toBe(b);
    const merged = await inTenant(db, owner.merchantId, (tx) =>
      resolveMember(owner.merchantId, tx, [{ kind: 'external', value: 'pos:777' }, { kind: 'phone', value: '+8613700000001' }], { reason: 'order with member phone', actor: 'order:ord_2' }),
    );
    expect(merged).toBe(a);
    expect((await profile(a)).merges).toEqual([expect.objectContaining({ survivorId: a, mergedId: b, reason: 'order with member phone', actor: 'order:ord_2' })]);
    // A rolled-back caller leaves nothing behind.
    const before = await tableCounts(t);
    await expect(
      inTenant(db, owner.merchantId, async (tx) => {
        await resolveMember(owner.merchantId, tx, [{ kind: 'user', value: 'rolled-back' }], { reason: 'x', actor: 'test' });
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    expect(await tableCounts(t)).toEqual(before);
  });

  it('lastTouchWithin answers the latest click inside the attribution window, or null for direct', async () => {
    const db = t.database.handle.db;
    await send('identify', { anonymousId: 'vis_window', userId: 'window-user' });
    const id = await memberOf('userId=window-user');
    const old = await addClick(owner.merchantId, 'vis_window', daysAgo(40));
    const recent = await addClick(owner.merchantId, 'vis_window', daysAgo(10));
    await addClick(owner.merchantId, 'vis_window', new Date(Date.now() + DAY));
    const at = (d: Date) => inTenant(db, owner.merchantId, (tx) => lastTouchWithin(owner.merchantId, tx, id, d));
    expect((await at(new Date()))?.clickId).toBe(recent);
    expect((await at(daysAgo(39)))?.clickId).toBe(old);
    expect(await at(daysAgo(41))).toBeNull();
    expect((await at(new Date()))).toMatchObject({ linkId: link.linkId, channelId: link.channelId, isScan: false });
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/merchant', headers: { cookie: owner.cookie }, payload: { attributionWindowDays: 5 } });
    expect(patched.statusCode).toBe(200);
    expect(await at(new Date())).toBeNull();
    await t.app.inject({ method: 'PATCH', url: '/api/merchant', headers: { cookie: owner.cookie }, payload: { attributionWindowDays: 30 } });
  });
});

describe('identity locks', () => {
  it('a click flush locks its visitors under the numbers stitching uses for them', async () => {
    const visitors = ['vis_lock_ascii', 'vis_锁_中文', 'vis_🍞_emoji'];
    const held = await inTenant(t.database.handle.db, owner.merchantId, async (tx) => {
      await applyClickTouches(owner.merchantId, tx, visitors.map((visitorId) => ({ clickId: newId('click'), visitorId, occurredAt: new Date() })));
      const { rows } = await sql<{ classid: number; objid: number }>`
        SELECT classid::text::bigint AS classid, objid::text::bigint AS objid FROM pg_locks
         WHERE locktype = 'advisory' AND objsubid = 2 AND pid = pg_backend_pid()`.execute(tx);
      return rows.map((r) => [Number(r.classid), Number(r.objid)]);
    });
    // pg_locks shows the two int4 keys as unsigned oids.
    const expected = visitors.map((value) => [0x4d42, identityLockId(owner.merchantId, { kind: 'anonymous', value }) >>> 0]);
    expect(held).toEqual(expect.arrayContaining(expected));
    expect(held).toHaveLength(visitors.length);
  });
});

describe('concurrent stitching', () => {
  // PGlite runs one transaction at a time, so there the calls only interleave; PostgreSQL runs
  // them truly at once across the pool.
  const clients = onPostgres ? 50 : 10;

  it(`${clients} identify calls at once for one phone and userId make exactly one member`, async () => {
    const before = await tableCounts(t);
    const results = await Promise.all(
      Array.from({ length: clients }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/identify',
          headers: { authorization: `Basic ${Buffer.from(`${pk}:`).toString('base64')}` },
          payload: { anonymousId: `vis_race_${i}`, userId: 'race-user', traits: { phone: '13600001234', name: `Race ${i}` } },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(clients).fill(200));
    const after = await tableCounts(t);
    expect(after.members! - before.members!).toBe(1);
    expect(after.member_merges).toBe(before.member_merges);
    const id = await memberOf('phone=13600001234');
    const p = await profile(id);
    expect(p.identities).toHaveLength(clients + 2);
    expect(p.timeline).toHaveLength(clients);
  });

  it(`${clients} track calls at once for one userId from different devices make exactly one member`, async () => {
    const before = await tableCounts(t);
    const results = await Promise.all(
      Array.from({ length: clients }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/batch',
          headers: { authorization: `Basic ${Buffer.from(`${pk}:`).toString('base64')}` },
          payload: { batch: [{ type: 'track', anonymousId: `vis_dev_${i}`, event: 'Opened' }, { type: 'track', userId: 'device-user', anonymousId: `vis_dev_${i}`, event: 'Signed In' }] },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(clients).fill(200));
    expect((await tableCounts(t)).members! - before.members!).toBe(1);
    const p = await profile(await memberOf('userId=device-user'));
    expect(p.identities).toHaveLength(clients + 1);
  });

  it('people who meet only through a third identity end as one member, whatever the order', async () => {
    // Half the calls know the visitor by phone, half by userId, and every tenth ties phone and userId.
    const results = await Promise.all(
      Array.from({ length: clients }, (_, i) => {
        const traits = i % 10 === 9 ? { phone: '13500009999' } : i % 2 === 0 ? { phone: '13500009999' } : {};
        const payload = { anonymousId: `vis_mix_${i}`, ...(i % 2 === 1 || i % 10 === 9 ? { userId: 'mix-user' } : {}), traits };
        return t.app.inject({ method: 'POST', url: '/v1/identify', headers: { authorization: `Basic ${Buffer.from(`${pk}:`).toString('base64')}` }, payload });
      }),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(clients).fill(200));
    const id = await memberOf('phone=13500009999');
    expect(await memberOf('userId=mix-user')).toBe(id);
    const p = await profile(id);
    expect(p.identities).toHaveLength(clients + 2);
    // At most one merge: the phone member and the userId member may have been born apart.
    expect(p.merges.length).toBeLessThanOrEqual(1);
  });
});

describe('profile API', () => {
  it('finds members by name and lists the newest first', async () => {
    await send('identify', { userId: 'name-1', traits: { firstName: 'Xu', lastName: 'Ming' } });
    await send('identify', { userId: 'name-2', traits: { name: 'Xu Ming-hua' } });
    expect((await search('q=xu%20ming')).map((m) => m.name).sort()).toEqual(['Xu Ming', 'Xu Ming-hua']);
    expect((await search('q=50%25')).length).toBe(0);
    const recent = await search('limit=2');
    expect(recent.map((m) => m.name)).toEqual(['Xu Ming-hua', 'Xu Ming']);
    expect(await search('phone=not-a-phone')).toEqual([]);
    const bad = await t.app.inject({ url: '/api/members?limit=0', headers: { cookie: owner.cookie } });
    expect(bad.json().error.code).toBe('validation_failed');
    const unknown = await t.app.inject({ url: '/api/members?nickname=x', headers: { cookie: owner.cookie } });
    expect(unknown.json().error.code).toBe('unknown_field');
  });

  it('shows clerks masked phone numbers everywhere; owners and managers see them in full', async () => {
    await send('identify', { userId: 'masked', traits: { phone: '13812345678', name: 'Masked', contact: { mobilePhone: '13812345678' } } });
    await send('track', { userId: 'masked', event: 'Called', properties: { phone: '+8613812345678' } });
    const store = await newStore(t, owner);
    const clerk = await newStaff(t, owner, 'clerk', [store]);
    const manager = await newStaff(t, owner, 'manager');
    const id = await memberOf('userId=masked');

    const asClerk = await t.app.inject({ url: `/api/members/${id}`, headers: { cookie: clerk.cookie } });
    expect(asClerk.statusCode).toBe(200);
    expect(asClerk.body).not.toContain('12345678');
    expect(asClerk.json().identities).toContainEqual(expect.objectContaining({ kind: 'phone', value: '+86138****5678' }));
    expect(asClerk.json().traits).toMatchObject({ phone: '138****5678', contact: { mobilePhone: '138****5678' } });
    const list = await t.app.inject({ url: '/api/members?q=13812345678', headers: { cookie: clerk.cookie } });
    expect(list.json().data).toEqual([expect.objectContaining({ id, phone: '+86138****5678' })]);
    expect(list.body).not.toContain('12345678');

    const asManager = await t.app.inject({ url: `/api/members/${id}`, headers: { cookie: manager.cookie } });
    expect(asManager.json().identities).toContainEqual(expect.objectContaining({ kind: 'phone', value: '+8613812345678' }));
    expect((await search('q=13812345678', manager.cookie))[0]!.phone).toBe('+8613812345678');
  });

  it('owners and managers tag members; clerks may not; a merged id tags its survivor', async () => {
    await send('identify', { userId: 'tagged' });
    const id = await memberOf('userId=tagged');
    const manager = await newStaff(t, owner, 'manager');
    const put = (tag: string, cookie = manager.cookie) => t.app.inject({ method: 'PUT', url: `/api/members/${id}/tags/${encodeURIComponent(tag)}`, headers: { cookie } });
    expect((await put('vip')).json()).toEqual({ tags: ['vip'] });
    expect((await put('老客')).json()).toEqual({ tags: ['vip', '老客'] });
    expect((await put('vip')).json()).toEqual({ tags: ['vip', '老客'] });
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/members/${id}/tags/vip`, headers: { cookie: owner.cookie } });
    expect(removed.json()).toEqual({ tags: ['老客'] });
    const clerk = await newStaff(t, owner, 'clerk', [await newStore(t, owner)]);
    const byClerk = await put('nope', clerk.cookie);
    expect(byClerk.statusCode).toBe(403);
    expect(byClerk.json().error.code).toBe('forbidden');
    const tooLong = await put('x'.repeat(51));
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: '/params/tag' }] });

    // A younger member merged into this one brings its tags, and its old id tags the survivor.
    await send('identify', { userId: 'tag-younger' });
    const younger = await memberOf('userId=tag-younger');
    const putOn = (member: string, tag: string) => t.app.inject({ method: 'PUT', url: `/api/members/${member}/tags/${tag}`, headers: { cookie: owner.cookie } });
    await putOn(younger, 'young');
    await send('alias', { previousId: 'tag-younger', userId: 'tagged' });
    expect((await profile(younger)).id).toBe(id);
    expect((await profile(id)).tags).toEqual(['young', '老客']);
    expect((await putOn(younger, 'after-merge')).json()).toEqual({ tags: ['after-merge', 'young', '老客'] });
  });

  it('staff merge two members by hand; the older survives and the staff member is the actor', async () => {
    await send('identify', { userId: 'hand-1' });
    await send('identify', { userId: 'hand-2' });
    const [first, second] = [await memberOf('userId=hand-1'), await memberOf('userId=hand-2')];
    const res = await t.app.inject({ method: 'POST', url: `/api/members/${second}/merges`, headers: { cookie: owner.cookie }, payload: { memberId: first } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: first, mergedIds: [second], merges: [{ survivorId: first, mergedId: second, actor: `staff:${owner.staffId}` }] });
  });

  it("merchant A never sees B's members: B's ids are not found, searches stay in A", async () => {
    const b = await newMerchant(t, 'Shop B');
    const bPk = (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: b.cookie }, payload: { kind: 'publishable', name: 'web' } })).json().token;
    await send('identify', { userId: 'b-user', traits: { phone: '13299998888', name: "B's customer" } }, bPk);
    const bRes = await t.app.inject({ url: '/api/members?userId=b-user', headers: { cookie: b.cookie } });
    const bMember = bRes.json().data[0].id as string;
    const aKey = (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload: { kind: 'secret', name: 'A', role: 'owner' } })).json().token;
    const before = await tableCounts(t);
    for (const headers of [{ cookie: owner.cookie }, { authorization: `Bearer ${aKey}` }]) {
      for (const [method, url, payload] of [
        ['GET', `/api/members/${bMember}`, undefined],
        ['PUT', `/api/members/${bMember}/tags/mine`, undefined],
        ['DELETE', `/api/members/${bMember}/tags/mine`, undefined],
        ['POST', `/api/members/${bMember}/merges`, { memberId: bMember }],
      ] as const) {
        const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(res.json().error.code).toBe('not_found');
        expect(res.body).not.toContain("B's customer");
      }
      const found = await t.app.inject({ url: '/api/members?q=13299998888', headers });
      expect(found.json().data).toEqual([]);
    }
    expect(await tableCounts(t)).toEqual(before);
    const malformed = await t.app.inject({ url: '/api/members/mbr_nope', headers: { cookie: owner.cookie } });
    expect(malformed.json().error.code).toBe('invalid_id');
  });
});
