import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newMerchant, newStaff, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

/** Channels, their costs, short links and QR codes through the API. */
let t: TestApp;
let owner: SignedInOwner;
let clerkCookie: string;
let managerCookie: string;
const PUBLIC_URL = 'https://go.example.com';

beforeAll(async () => {
  t = await createTestApp({ config: { PUBLIC_URL } });
  owner = await newMerchant(t);
  clerkCookie = (await newStaff(t, owner, 'clerk', [await storeOf(owner)])).cookie;
  managerCookie = (await newStaff(t, owner, 'manager')).cookie;
});
afterAll(async () => t.close());

async function storeOf(who: SignedInOwner): Promise<string> {
  return (await t.app.inject({ method: 'POST', url: '/api/stores', headers: { cookie: who.cookie }, payload: { name: 'Shop' } })).json().id;
}

let channelCounter = 0;
async function newChannel(cookie = owner.cookie, kind = 'social'): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/channels', headers: { cookie }, payload: { name: `Channel ${++channelCounter}`, kind } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function newLink(payload: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: '/api/links', headers: { cookie: owner.cookie }, payload });
}

describe('channels', () => {
  it('creates, reads, renames and archives a channel', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/channels', headers: { cookie: owner.cookie }, payload: { name: ' 小红书 ', kind: 'social' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: '小红书', kind: 'social', archived: false });
    const id = created.json().id;
    expect(id).toMatch(/^chn_/);
    expect((await t.app.inject({ url: `/api/channels/${id}`, headers: { cookie: clerkCookie } })).json()).toEqual(created.json());

    const patched = await t.app.inject({ method: 'PATCH', url: `/api/channels/${id}`, headers: { cookie: managerCookie }, payload: { name: 'Xiaohongshu', kind: 'forum', archived: true } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ id, name: 'Xiaohongshu', kind: 'forum', archived: true });

    const live = (await t.app.inject({ url: '/api/channels', headers: { cookie: owner.cookie } })).json().data.map((c: { id: string }) => c.id);
    const all = (await t.app.inject({ url: '/api/channels?includeArchived=true', headers: { cookie: owner.cookie } })).json().data.map((c: { id: string }) => c.id);
    expect(live).not.toContain(id);
    expect(all).toContain(id);
    const forums = (await t.app.inject({ url: '/api/channels?includeArchived=true&kind=forum', headers: { cookie: owner.cookie } })).json().data;
    expect(forums.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it('refuses a second channel with the same name, on create and on rename', async () => {
    await t.app.inject({ method: 'POST', url: '/api/channels', headers: { cookie: owner.cookie }, payload: { name: 'Dianping', kind: 'marketplace' } });
    const channelCount = async () => (await t.app.inject({ url: '/api/channels?includeArchived=true', headers: { cookie: owner.cookie } })).json().data.length;
    const before = await channelCount();
    const again = await t.app.inject({ method: 'POST', url: '/api/channels', headers: { cookie: owner.cookie }, payload: { name: 'Dianping', kind: 'search' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('channel_name_taken');
    const other = await newChannel();
    const rename = await t.app.inject({ method: 'PATCH', url: `/api/channels/${other}`, headers: { cookie: owner.cookie }, payload: { name: 'Dianping' } });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.code).toBe('channel_name_taken');
    expect(await channelCount()).toBe(before + 1);
  });

  it.each([
    ['no kind', { name: 'X' }, 'validation_failed', '/body/kind'],
    ['an unknown kind', { name: 'X', kind: 'billboard' }, 'validation_failed', '/body/kind'],
    ['an empty name', { name: '', kind: 'ad' }, 'validation_failed', '/body/name'],
    ['an unknown field', { name: 'X', kind: 'ad', budget: 5 }, 'unknown_field', '/body/budget'],
  ])('rejects %s and writes nothing', async (_label, payload, code, path) => {
    const before = await tableCounts(t);
    const res = await t.app.inject({ method: 'POST', url: '/api/channels', headers: { cookie: owner.cookie }, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('a clerk reads channels but may not change them', async () => {
    const id = await newChannel();
    expect((await t.app.inject({ url: '/api/channels', headers: { cookie: clerkCookie } })).statusCode).toBe(200);
    for (const [method, url, payload] of [
      ['POST', '/api/channels', { name: 'Sneaky', kind: 'ad' }],
      ['PATCH', `/api/channels/${id}`, { archived: true }],
      ['GET', `/api/channels/${id}/costs`, undefined],
      ['POST', `/api/channels/${id}/costs`, { amountCents: 1, startsOn: '2026-01-01', endsOn: '2026-01-01' }],
      ['POST', '/api/links', { channelId: id, destination: '/o/x' }],
    ] as const) {
      const before = await tableCounts(t);
      const res = await t.app.inject({ method, url, headers: { cookie: clerkCookie }, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
      expect(await tableCounts(t)).toEqual(before);
    }
  });
});

describe('channel costs', () => {
  it('records costs with the merchant currency by default, lists them by date and deletes one', async () => {
    const channel = await newChannel();
    const post = (payload: object) => t.app.inject({ method: 'POST', url: `/api/channels/${channel}/costs`, headers: { cookie: managerCookie }, payload });
    const march = await post({ amountCents: 250000, startsOn: '2026-03-01', endsOn: '2026-03-31', note: '  March posts ' });
    expect(march.statusCode).toBe(201);
    expect(march.json()).toMatchObject({ channelId: channel, amountCents: 250000, currency: 'CNY', startsOn: '2026-03-01', endsOn: '2026-03-31', note: 'March posts' });
    expect(march.json().id).toMatch(/^ccs_/);
    const feb = await post({ amountCents: 0, currency: 'USD', startsOn: '2026-02-28', endsOn: '2026-02-28' });
    expect(feb.json()).toMatchObject({ currency: 'USD', startsOn: '2026-02-28', endsOn: '2026-02-28', note: '' });

    const list = await t.app.inject({ url: `/api/channels/${channel}/costs`, headers: { cookie: owner.cookie } });
    expect(list.json().data.map((c: { id: string }) => c.id)).toEqual([feb.json().id, march.json().id]);

    const del = await t.app.inject({ method: 'DELETE', url: `/api/channels/${channel}/costs/${feb.json().id}`, headers: { cookie: owner.cookie } });
    expect(del.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/channels/${channel}/costs/${feb.json().id}`, headers: { cookie: owner.cookie } });
    expect(again.statusCode).toBe(404);
    const after = await t.app.inject({ url: `/api/channels/${channel}/costs`, headers: { cookie: owner.cookie } });
    expect(after.json().data.map((c: { id: string }) => c.id)).toEqual([march.json().id]);
  });

  it('a cost of another channel cannot be deleted through this one', async () => {
    const a = await newChannel();
    const b = await newChannel();
    const cost = (await t.app.inject({ method: 'POST', url: `/api/channels/${a}/costs`, headers: { cookie: owner.cookie }, payload: { amountCents: 5, startsOn: '2026-01-01', endsOn: '2026-01-02' } })).json();
    const res = await t.app.inject({ method: 'DELETE', url: `/api/channels/${b}/costs/${cost.id}`, headers: { cookie: owner.cookie } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it.each([
    ['a negative amount', { amountCents: -1, startsOn: '2026-01-01', endsOn: '2026-01-31' }, 400, 'validation_failed', '/body/amountCents'],
    ['a fractional amount', { amountCents: 12.5, startsOn: '2026-01-01', endsOn: '2026-01-31' }, 400, 'validation_failed', '/body/amountCents'],
    ['an amount as text', { amountCents: '100', startsOn: '2026-01-01', endsOn: '2026-01-31' }, 400, 'validation_failed', '/body/amountCents'],
    ['an end before the start', { amountCents: 1, startsOn: '2026-02-01', endsOn: '2026-01-31' }, 400, 'validation_failed', '/body/endsOn'],
    ['an impossible date', { amountCents: 1, startsOn: '2026-02-30', endsOn: '2026-03-01' }, 400, 'validation_failed', '/body/startsOn'],
    ['a date with a time', { amountCents: 1, startsOn: '2026-02-01T00:00:00Z', endsOn: '2026-03-01' }, 400, 'validation_failed', '/body/startsOn'],
    ['a lower-case currency', { amountCents: 1, currency: 'cny', startsOn: '2026-01-01', endsOn: '2026-01-31' }, 400, 'validation_failed', '/body/currency'],
    ['no dates', { amountCents: 1 }, 400, 'validation_failed', '/body/startsOn'],
    ['an unknown field', { amountCents: 1, startsOn: '2026-01-01', endsOn: '2026-01-31', vat: 6 }, 400, 'unknown_field', '/body/vat'],
  ])('rejects %s and writes nothing', async (_label, payload, status, code, path) => {
    const channel = await newChannel();
    const before = await tableCounts(t);
    const res = await t.app.inject({ method: 'POST', url: `/api/channels/${channel}/costs`, headers: { cookie: owner.cookie }, payload });
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('corrects a cost in place: amount, period and note', async () => {
    const channel = await newChannel();
    const cost = (await t.app.inject({ method: 'POST', url: `/api/channels/${channel}/costs`, headers: { cookie: owner.cookie }, payload: { amountCents: 50000, startsOn: '2026-03-01', endsOn: '2026-03-31', note: 'March' } })).json();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/channels/${channel}/costs/${cost.id}`,
      headers: { cookie: managerCookie },
      payload: { amountCents: 65000, startsOn: '2026-03-02', endsOn: '2026-04-02', note: ' March and a bit ' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ...cost, amountCents: 65000, startsOn: '2026-03-02', endsOn: '2026-04-02', note: 'March and a bit' });
    const list = (await t.app.inject({ url: `/api/channels/${channel}/costs`, headers: { cookie: owner.cookie } })).json().data;
    expect(list).toEqual([res.json()]);

    // One field alone; the period is checked as it will be after the change.
    const amountOnly = await t.app.inject({ method: 'PATCH', url: `/api/channels/${channel}/costs/${cost.id}`, headers: { cookie: owner.cookie }, payload: { amountCents: 0 } });
    expect(amountOnly.json()).toMatchObject({ amountCents: 0, startsOn: '2026-03-02', endsOn: '2026-04-02' });
  });

  it.each([
    ['an empty patch', {}, 400, 'validation_failed', '/body'],
    ['a negative amount', { amountCents: -1 }, 400, 'validation_failed', '/body/amountCents'],
    ['an end before the kept start', { endsOn: '2026-02-28' }, 400, 'validation_failed', '/body/endsOn'],
    ['a start after the kept end', { startsOn: '2026-04-01' }, 400, 'validation_failed', '/body/startsOn'],
    ['an impossible date', { startsOn: '2026-02-30' }, 400, 'validation_failed', '/body/startsOn'],
    ['an unknown field', { vat: 6 }, 400, 'unknown_field', '/body/vat'],
  ])('refuses to change a cost with %s and changes nothing', async (_label, payload, status, code, path) => {
    const channel = await newChannel();
    const cost = (await t.app.inject({ method: 'POST', url: `/api/channels/${channel}/costs`, headers: { cookie: owner.cookie }, payload: { amountCents: 100, startsOn: '2026-03-01', endsOn: '2026-03-31' } })).json();
    const res = await t.app.inject({ method: 'PATCH', url: `/api/channels/${channel}/costs/${cost.id}`, headers: { cookie: owner.cookie }, payload });
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await t.app.inject({ url: `/api/channels/${channel}/costs`, headers: { cookie: owner.cookie } })).json().data).toEqual([cost]);
  });

  it('a cost is changed only through its own channel, and not by a clerk', async () => {
    const a = await newChannel();
    const b = await newChannel();
    const cost = (await t.app.inject({ method: 'POST', url: `/api/channels/${a}/costs`, headers: { cookie: owner.cookie }, payload: { amountCents: 5, startsOn: '2026-01-01', endsOn: '2026-01-02' } })).json();
    for (const [url, cookie, status, code] of [
      [`/api/channels/${b}/costs/${cost.id}`, owner.cookie, 404, 'not_found'],
      [`/api/channels/${a}/costs/ccs_01JD3W6Q0S7RK9V2B8X4M5N6PA`, owner.cookie, 404, 'not_found'],
      [`/api/channels/${a}/costs/${cost.id}`, clerkCookie, 403, 'forbidden'],
    ] as const) {
      const res = await t.app.inject({ method: 'PATCH', url, headers: { cookie }, payload: { amountCents: 999 } });
      expect(res.statusCode, url).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    expect((await t.app.inject({ url: `/api/channels/${a}/costs`, headers: { cookie: owner.cookie } })).json().data).toEqual([cost]);
  });

  it('an unknown channel is not found', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/channels/chn_01JD3W6Q0S7RK9V2B8X4M5N6PA/costs',
      headers: { cookie: owner.cookie },
      payload: { amountCents: 1, startsOn: '2026-01-01', endsOn: '2026-01-01' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});

describe('links', () => {
  it('creates a link with a generated slug, short URL, QR URLs and zero counts', async () => {
    const channel = await newChannel();
    const res = await newLink({ channelId: channel, destination: '/o/off_01JD3W6Q0S7RK9V2B8X4M5N6PA', campaign: 'spring-2026' });
    expect(res.statusCode, res.body).toBe(201);
    const link = res.json();
    expect(link.id).toMatch(/^lnk_/);
    expect(link.slug).toMatch(/^[2-9a-kmnp-z]{8}$/);
    expect(link).toMatchObject({
      channelId: channel,
      campaign: 'spring-2026',
      destination: '/o/off_01JD3W6Q0S7RK9V2B8X4M5N6PA',
      expiresAt: null,
      active: true,
      shortUrl: `${PUBLIC_URL}/l/${link.slug}`,
      qr: { png: `${PUBLIC_URL}/api/links/${link.id}/qr.png`, svg: `${PUBLIC_URL}/api/links/${link.id}/qr.svg` },
      clicks: 0,
      scans: 0,
    });
    expect((await t.app.inject({ url: `/api/links/${link.id}`, headers: { cookie: clerkCookie } })).json()).toEqual(link);
  });

  it('takes a custom slug once across the installation: same merchant or another gets slug_taken', async () => {
    const channel = await newChannel();
    const first = await newLink({ channelId: channel, destination: 'https://shop.example.com/', slug: 'Spring-Flyer_1' });
    expect(first.statusCode).toBe(201);
    expect(first.json().slug).toBe('Spring-Flyer_1');

    const before = await tableCounts(t);
    const same = await newLink({ channelId: channel, destination: '/s/x', slug: 'Spring-Flyer_1' });
    expect(same.statusCode).toBe(409);
    expect(same.json().error.code).toBe('slug_taken');
    expect(await tableCounts(t)).toEqual(before);

    const other = await newMerchant(t, 'Other shop');
    const otherChannel = (await t.app.inject({ method: 'POST', url: '/api/channels', headers: { cookie: other.cookie }, payload: { name: 'Ads', kind: 'ad' } })).json().id;
    const countsBefore = await tableCounts(t);
    const theirs = await t.app.inject({ method: 'POST', url: '/api/links', headers: { cookie: other.cookie }, payload: { channelId: otherChannel, destination: '/s/x', slug: 'Spring-Flyer_1' } });
    expect(theirs.statusCode).toBe(409);
    expect(theirs.json().error.code).toBe('slug_taken');
    expect(await tableCounts(t)).toEqual(countsBefore);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['a relative path without a slash', 'o/off_1'],
    ['a bare host', 'shop.example.com'],
    ['a protocol-relative URL', '//evil.example.com/'],
    ['ftp', 'ftp://example.com/'],
    ['a data URL', 'data:text/html,hi'],
    ['credentials in the URL', 'https://user:pw@example.com/'],
  ])('refuses a destination that is %s and writes nothing', async (_label, destination) => {
    const channel = await newChannel();
    const before = await tableCounts(t);
    const res = await newLink({ channelId: channel, destination });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.json().error.details).toEqual([{ path: '/body/destination', problem: expect.any(String) }]);
    expect(await tableCounts(t)).toEqual(before);
  });

  it.each([
    ['a slug too short', { slug: 'ab' }, 400, 'validation_failed', '/body/slug'],
    ['a slug with a slash', { slug: 'a/b/c' }, 400, 'validation_failed', '/body/slug'],
    ['a slug with Chinese', { slug: '春季传单' }, 400, 'validation_failed', '/body/slug'],
    ['a malformed expiry', { expiresAt: 'next week' }, 400, 'validation_failed', '/body/expiresAt'],
    ['no destination', { destination: undefined }, 400, 'validation_failed', '/body/destination'],
    ['an unknown field', { utm: 'x' }, 400, 'unknown_field', '/body/utm'],
  ])('rejects %s and writes nothing', async (_label, extra, status, code, path) => {
    const channel = await newChannel();
    const before = await tableCounts(t);
    const res = await newLink({ channelId: channel, destination: '/o/x', ...extra });
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('needs a live channel of the merchant', async () => {
    const archived = await newChannel();
    await t.app.inject({ method: 'PATCH', url: `/api/channels/${archived}`, headers: { cookie: owner.cookie }, payload: { archived: true } });
    for (const channelId of [archived, 'chn_01JD3W6Q0S7RK9V2B8X4M5N6PA']) {
      const before = await tableCounts(t);
      const res = await newLink({ channelId, destination: '/o/x' });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('invalid_reference');
      expect(await tableCounts(t)).toEqual(before);
    }
  });

  it('changes destination, campaign, expiry, active flag and slug; lists by channel and campaign', async () => {
    const channel = await newChannel();
    const otherChannel = await newChannel();
    const link = (await newLink({ channelId: channel, destination: '/o/x', campaign: 'a' })).json();
    await newLink({ channelId: otherChannel, destination: '/o/y', campaign: 'a' });
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/links/${link.id}`,
      headers: { cookie: managerCookie },
      payload: { destination: 'https://m.example.com/deal', campaign: null, expiresAt: '2030-01-01T00:00:00.000Z', active: false, slug: 'renamed-link' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json()).toMatchObject({
      id: link.id,
      slug: 'renamed-link',
      destination: 'https://m.example.com/deal',
      campaign: null,
      expiresAt: '2030-01-01T00:00:00.000Z',
      active: false,
      shortUrl: `${PUBLIC_URL}/l/renamed-link`,
    });
    const byChannel = (await t.app.inject({ url: `/api/links?channelId=${channel}`, headers: { cookie: owner.cookie } })).json().data;
    expect(byChannel.map((l: { id: string }) => l.id)).toEqual([link.id]);
    const byCampaign = (await t.app.inject({ url: `/api/links?campaign=a`, headers: { cookie: owner.cookie } })).json().data;
    expect(byCampaign.map((l: { channelId: string }) => l.channelId)).toEqual([otherChannel]);

    // Back to the old slug: it is still this link's, so it is allowed.
    const back = await t.app.inject({ method: 'PATCH', url: `/api/links/${link.id}`, headers: { cookie: owner.cookie }, payload: { slug: link.slug } });
    expect(back.json().slug).toBe(link.slug);
  });

  it('moves a link to another live channel, never to an archived or unknown one', async () => {
    const from = await newChannel();
    const to = await newChannel();
    const link = (await newLink({ channelId: from, destination: '/o/x' })).json();
    const moved = await t.app.inject({ method: 'PATCH', url: `/api/links/${link.id}`, headers: { cookie: managerCookie }, payload: { channelId: to, campaign: 'moved' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ id: link.id, channelId: to, campaign: 'moved', slug: link.slug });
    const ids = async (channelId: string) => (await t.app.inject({ url: `/api/links?channelId=${channelId}`, headers: { cookie: owner.cookie } })).json().data.map((l: { id: string }) => l.id);
    expect(await ids(from)).toEqual([]);
    expect(await ids(to)).toEqual([link.id]);

    const archived = await newChannel();
    await t.app.inject({ method: 'PATCH', url: `/api/channels/${archived}`, headers: { cookie: owner.cookie }, payload: { archived: true } });
    for (const channelId of [archived, 'chn_01JD3W6Q0S7RK9V2B8X4M5N6PA']) {
      const res = await t.app.inject({ method: 'PATCH', url: `/api/links/${link.id}`, headers: { cookie: owner.cookie }, payload: { channelId, destination: '/o/elsewhere' } });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('invalid_reference');
    }
    expect((await t.app.inject({ url: `/api/links/${link.id}`, headers: { cookie: owner.cookie } })).json()).toMatchObject({ channelId: to, destination: '/o/x' });

    // A link on a channel archived later can still be edited, naming the channel it is on.
    await t.app.inject({ method: 'PATCH', url: `/api/channels/${to}`, headers: { cookie: owner.cookie }, payload: { archived: true } });
    const stays = await t.app.inject({ method: 'PATCH', url: `/api/links/${link.id}`, headers: { cookie: owner.cookie }, payload: { channelId: to, destination: '/o/y' } });
    expect(stays.statusCode, stays.body).toBe(200);
    expect(stays.json()).toMatchObject({ channelId: to, destination: '/o/y' });
  });

  it('a slug change to one taken elsewhere is slug_taken and changes nothing', async () => {
    const channel = await newChannel();
    await newLink({ channelId: channel, destination: '/o/x', slug: 'held-slug' });
    const link = (await newLink({ channelId: channel, destination: '/o/y' })).json();
    const before = await tableCounts(t);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/links/${link.id}`, headers: { cookie: owner.cookie }, payload: { slug: 'held-slug', destination: '/o/z' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('slug_taken');
    expect(await tableCounts(t)).toEqual(before);
    expect((await t.app.inject({ url: `/api/links/${link.id}`, headers: { cookie: owner.cookie } })).json()).toMatchObject({ slug: link.slug, destination: '/o/y' });
  });

  it('rejects an empty patch and a bad destination in a patch', async () => {
    const link = (await newLink({ channelId: await newChannel(), destination: '/o/x' })).json();
    for (const payload of [{}, { destination: 'javascript:void(0)' }]) {
      const res = await t.app.inject({ method: 'PATCH', url: `/api/links/${link.id}`, headers: { cookie: owner.cookie }, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
  });
});

describe('QR codes', () => {
  let linkId: string;
  beforeAll(async () => {
    linkId = (await newLink({ channelId: await newChannel(), destination: '/o/x', slug: 'qr-flyer' })).json().id;
  });

  it.each([256, 512, 1024, 2048])('PNG of %i px is a PNG of that size', async (size) => {
    const res = await t.app.inject({ url: `/api/links/${linkId}/qr.png?size=${size}`, headers: { cookie: clerkCookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toBe('inline; filename="qr-flyer.png"');
    const png = res.rawPayload;
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(size);
    expect(png.readUInt32BE(20)).toBe(size);
  });

  it('SVG is an SVG document', async () => {
    const res = await t.app.inject({ url: `/api/links/${linkId}/qr.svg?ecc=H&margin=2`, headers: { authorization: `Bearer ${await secretKey()}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('image/svg+xml');
    expect(res.body).toContain('<svg');
    expect(res.body).toContain('</svg>');
  });

  it.each([
    ['a size too small', 'size=64'],
    ['a size too large', 'size=10000'],
    ['error correction L', 'ecc=L'],
    ['an unknown parameter', 'colour=red'],
  ])('refuses %s', async (_label, query) => {
    const res = await t.app.inject({ url: `/api/links/${linkId}/qr.png?${query}`, headers: { cookie: owner.cookie } });
    expect(res.statusCode).toBe(400);
  });

  it('needs credentials', async () => {
    const res = await t.app.inject({ url: `/api/links/${linkId}/qr.png` });
    expect(res.statusCode).toBe(401);
  });

  async function secretKey(): Promise<string> {
    return (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload: { kind: 'secret', name: 'print shop', role: 'clerk', storeIds: [await storeOf(owner)] } })).json()
      .token;
  }
});
