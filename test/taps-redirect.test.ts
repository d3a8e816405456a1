import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTenant } from '../src/platform/db.js';
import { newId } from '../src/platform/ids.js';
import { hashIp } from '../src/taps/visit.js';
import { createTestApp, newMerchant, type SignedInOwner, type TestApp } from './helpers.js';

/** The public redirect /l/:slug: answers, cookies, and what is (not) counted. */
let t: TestApp;
let owner: SignedInOwner;
let channelId: string;
const PUBLIC_URL = 'https://go.example.com';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const WECHAT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.38(0x18002629) NetType/WIFI Language/zh_CN';

beforeAll(async () => {
  t = await createTestApp({ config: { PUBLIC_URL, CLICK_FLUSH_MS: '10', TRUST_PROXY: 'true', GEO_COUNTRY_HEADER: 'CF-IPCountry', GEO_REGION_HEADER: 'x-geo-region' } });
  owner = await newMerchant(t);
  channelId = (await t.app.inject({ method: 'POST', url: '/api/channels', headers: { cookie: owner.cookie }, payload: { name: 'Flyers', kind: 'offline_print' } })).json().id;
});
afterAll(async () => t.close());

async function newLink(payload: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/links', headers: { cookie: owner.cookie }, payload: { channelId, destination: '/o/off_01JD3W6Q0S7RK9V2B8X4M5N6PA', ...payload } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

function visit(slug: string, options: { method?: 'GET' | 'HEAD'; headers?: Record<string, string>; query?: string; ip?: string } = {}) {
  return t.app.inject({
    method: options.method ?? 'GET',
    url: `/l/${slug}${options.query ?? ''}`,
    headers: { 'user-agent': CHROME, ...options.headers },
    remoteAddress: options.ip ?? '198.51.100.20',
  });
}

async function counts(linkId: string): Promise<{ clicks: number; scans: number }> {
  const link = (await t.app.inject({ url: `/api/links/${linkId}`, headers: { cookie: owner.cookie } })).json();
  return { clicks: link.clicks, scans: link.scans };
}

/** Clicks are written in the background; wait until `total` of them are stored. */
async function waitForClicks(linkId: string, total: number): Promise<{ clicks: number; scans: number }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await counts(linkId);
    if (now.clicks + now.scans >= total || Date.now() > deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function storedClicks(linkId: string) {
  return inTenant(t.database.handle.db, owner.merchantId, (tx) =>
    tx.selectFrom('clicks').selectAll().where('merchant_id', '=', owner.merchantId).where('link_id', '=', linkId).orderBy('click_id').execute(),
  );
}

describe('redirect', () => {
  it('sends a visitor to a Reservoir page with a new visitor id, then reuses it', async () => {
    const link = await newLink();
    const first = await visit(link.slug);
    expect(first.statusCode).toBe(302);
    expect(first.headers['cache-control']).toBe('private, no-store');
    const cookie = first.cookies.find((c) => c.name === 'rsv_vid');
    expect(cookie).toMatchObject({ path: '/', maxAge: 31536000, sameSite: 'Lax' });
    // Our own pages' scripts read it (not httpOnly); plain http on a laptop (not Secure).
    expect(String(first.headers['set-cookie'])).not.toMatch(/HttpOnly|Secure/i);
    expect(cookie!.value).toMatch(/^vis_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(first.headers.location).toBe(`${PUBLIC_URL}/o/off_01JD3W6Q0S7RK9V2B8X4M5N6PA?vid=${cookie!.value}`);

    const second = await visit(link.slug, { headers: { cookie: `rsv_vid=${cookie!.value}` } });
    expect(second.statusCode).toBe(302);
    expect(second.cookies.find((c) => c.name === 'rsv_vid')).toBeUndefined();
    expect(second.headers.location).toBe(first.headers.location);

    expect(await waitForClicks(link.id, 2)).toEqual({ clicks: 2, scans: 0 });
    expect((await storedClicks(link.id)).map((c) => c.visitor_id)).toEqual([cookie!.value, cookie!.value]);
  });

  it('replaces a visitor cookie that is not a visitor id', async () => {
    const link = await newLink();
    const res = await visit(link.slug, { headers: { cookie: 'rsv_vid=admin' } });
    const cookie = res.cookies.find((c) => c.name === 'rsv_vid');
    expect(cookie?.value).toMatch(/^vis_/);
  });

  it('marks the cookie Secure behind TLS', async () => {
    const link = await newLink();
    const res = await visit(link.slug, { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.cookies.find((c) => c.name === 'rsv_vid')?.secure).toBe(true);
  });

  it('never gives the visitor id to a third-party site', async () => {
    const link = await newLink({ destination: 'https://shop.example.net/item?id=7' });
    const res = await visit(link.slug);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://shop.example.net/item?id=7');
    expect(res.cookies.find((c) => c.name === 'rsv_vid')).toBeDefined();
  });

  it.each([
    ['an unknown slug', 'no-such-link', 404],
    ['a slug that cannot exist', 'a', 404],
    ['a slug with odd characters', '%3Cscript%3E', 404],
  ])('answers %s with a 404 page', async (_label, slug, status) => {
    const res = await visit(slug);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('找不到这个链接');
    expect(res.body).toContain('This link does not exist');
  });

  it('answers an expired or inactive link with a 410 page, and counts nothing', async () => {
    const expired = await newLink({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    const inactive = await newLink({ active: false });
    for (const link of [expired, inactive]) {
      const res = await visit(link.slug);
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain('这个链接已失效');
      expect(res.body).toContain('no longer active');
    }
    const control = await newLink();
    await visit(control.slug);
    await waitForClicks(control.id, 1);
    expect(await counts(expired.id)).toEqual({ clicks: 0, scans: 0 });
    expect(await counts(inactive.id)).toEqual({ clicks: 0, scans: 0 });
  });

  it('a change through the API applies to the next visit, and an old slug keeps working', async () => {
    const link = await newLink({ slug: 'autumn-menu' });
    expect((await visit('autumn-menu')).statusCode).toBe(302);
    await t.app.inject({ method: 'PATCH', url: `/api/links/${link.id}`, headers: { cookie: owner.cookie }, payload: { destination: 'https://menu.example.net/' } });
    expect((await visit('autumn-menu')).headers.location).toBe('https://menu.example.net/');
    await t.app.inject({ method: 'PATCH', url: `/api/links/${link.id}`, headers: { cookie: owner.cookie }, payload: { slug: 'winter-menu' } });
    expect((await visit('winter-menu')).headers.location).toBe('https://menu.example.net/');
    expect((await visit('autumn-menu')).headers.location).toBe('https://menu.example.net/');
    await t.app.inject({ method: 'PATCH', url: `/api/links/${link.id}`, headers: { cookie: owner.cookie }, payload: { active: false } });
    expect((await visit('winter-menu')).statusCode).toBe(410);
    expect((await visit('autumn-menu')).statusCode).toBe(410);
  });

  it('a slug looked up before it existed works as soon as it is created', async () => {
    expect((await visit('brand-new')).statusCode).toBe(404);
    await newLink({ slug: 'brand-new' });
    expect((await visit('brand-new')).statusCode).toBe(302);
  });
});

describe('what is counted', () => {
  it('HEAD requests, bots, link previews and prefetches are redirected but not counted', async () => {
    const link = await newLink();
    const uncounted = [
      visit(link.slug, { method: 'HEAD' }),
      ...[
        'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
        'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
        'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
        'WhatsApp/2.23.20.0 A',
        'curl/8.4.0',
      ].map((ua) => visit(link.slug, { headers: { 'user-agent': ua } })),
      visit(link.slug, { headers: { 'sec-purpose': 'prefetch' } }),
      visit(link.slug, { headers: { purpose: 'prefetch' } }),
      visit(link.slug, { headers: { 'x-moz': 'prefetch' } }),
      visit(link.slug, { headers: { 'x-purpose': 'preview' } }),
    ];
    for (const res of await Promise.all(uncounted)) {
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toMatch(new RegExp(`^${PUBLIC_URL}/o/off_01JD3W6Q0S7RK9V2B8X4M5N6PA`));
    }
    // Clicks are written in arrival order, so once this later click is stored, any wrongly
    // counted earlier one would be stored too.
    await visit(link.slug);
    expect(await waitForClicks(link.id, 1)).toEqual({ clicks: 1, scans: 0 });
    expect(await storedClicks(link.id)).toHaveLength(1);
  });

  it('bots get no visitor id, neither as a cookie nor in the URL', async () => {
    const link = await newLink();
    const res = await visit(link.slug, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } });
    expect(res.cookies).toEqual([]);
    expect(res.headers.location).toBe(`${PUBLIC_URL}/o/off_01JD3W6Q0S7RK9V2B8X4M5N6PA`);
  });

  it('a QR scan is recorded as a scan and a plain visit as a click', async () => {
    const link = await newLink();
    await visit(link.slug, { query: '?s=1' });
    await visit(link.slug, { query: '?s=1' });
    await visit(link.slug);
    expect(await waitForClicks(link.id, 3)).toEqual({ clicks: 1, scans: 2 });
    expect((await storedClicks(link.id)).map((c) => c.is_scan)).toEqual([true, true, false]);
    const listed = (await t.app.inject({ url: `/api/links?channelId=${channelId}`, headers: { cookie: owner.cookie } })).json().data;
    expect(listed.find((l: { id: string }) => l.id === link.id)).toMatchObject({ clicks: 1, scans: 2 });
  });

  it('stores the link, channel, visitor, a salted hash of the address (never the address), browser, trimmed referrer and country', async () => {
    const link = await newLink();
    const res = await visit(link.slug, {
      ip: '10.0.0.1',
      headers: {
        'user-agent': WECHAT,
        'x-forwarded-for': '203.0.113.77',
        referer: 'https://www.xiaohongshu.com/explore/abc?xsec_token=secret#c',
        'cf-ipcountry': 'cn',
        'x-geo-region': 'Shanghai',
      },
    });
    const vid = res.cookies.find((c) => c.name === 'rsv_vid')!.value;
    await waitForClicks(link.id, 1);
    const [click] = await storedClicks(link.id);
    const salt = (await inTenant(t.database.handle.db, owner.merchantId, (tx) => tx.selectFrom('merchants').select('ip_salt').where('merchant_id', '=', owner.merchantId).executeTakeFirstOrThrow())).ip_salt;
    expect(click).toMatchObject({
      merchant_id: owner.merchantId,
      link_id: link.id,
      channel_id: channelId,
      visitor_id: vid,
      is_scan: false,
      referrer: 'https://www.xiaohongshu.com/explore/abc',
      ua_family: 'WeChat',
      country: 'CN',
      region: 'Shanghai',
    });
    expect(click!.click_id).toMatch(/^clk_/);
    expect(click!.ip_hash).not.toContain('203.0.113.77');
    expect(click!.ip_hash).toBe(hashIp(salt, '203.0.113.77'));
    expect(Date.now() - click!.occurred_at.getTime()).toBeLessThan(60_000);
  });

  it("moves a known member's first and last touch in the same write", async () => {
    const visitorId = newId('visitor');
    const memberId = newId('member');
    await inTenant(t.database.handle.db, owner.merchantId, async (tx) => {
      await tx.insertInto('members').values({ merchant_id: owner.merchantId, member_id: memberId, traits: '{}', consent: '{}', tags: [] }).execute();
      await tx.insertInto('member_identities').values({ merchant_id: owner.merchantId, kind: 'anonymous', value: visitorId, member_id: memberId }).execute();
    });
    const link = await newLink();
    await visit(link.slug, { headers: { cookie: `rsv_vid=${visitorId}` } });
    await visit(link.slug, { headers: { cookie: `rsv_vid=${visitorId}` }, query: '?s=1' });
    await waitForClicks(link.id, 2);
    const clicks = await storedClicks(link.id);
    const member = await inTenant(t.database.handle.db, owner.merchantId, (tx) =>
      tx.selectFrom('members').selectAll().where('merchant_id', '=', owner.merchantId).where('member_id', '=', memberId).executeTakeFirstOrThrow(),
    );
    expect(member.first_touch_click_id).toBe(clicks[0]!.click_id);
    expect(member.last_touch_click_id).toBe(clicks[1]!.click_id);
  });
});
