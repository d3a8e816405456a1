import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newMerchant, onPostgres, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

/**
 * Merchant A, with its session and its secret key, tries every taps endpoint that takes an id
 * with merchant B's ids: always 404, never B's data, nothing of B's changed.
 */
let t: TestApp;
let a: SignedInOwner;
let b: SignedInOwner;
let aKey: string;
const ids = { channel: '', cost: '', link: '', slug: '' };

beforeAll(async () => {
  t = await createTestApp({ config: { CLICK_FLUSH_MS: '10' } });
  a = await newMerchant(t, 'Merchant A');
  b = await newMerchant(t, 'Merchant B');
  const headers = { cookie: b.cookie };
  ids.channel = (await t.app.inject({ method: 'POST', url: '/api/channels', headers, payload: { name: "B's channel", kind: 'social' } })).json().id;
  ids.cost = (
    await t.app.inject({ method: 'POST', url: `/api/channels/${ids.channel}/costs`, headers, payload: { amountCents: 999, startsOn: '2026-01-01', endsOn: '2026-01-31', note: "B's spend" } })
  ).json().id;
  const link = (await t.app.inject({ method: 'POST', url: '/api/links', headers, payload: { channelId: ids.channel, destination: 'https://b.example.com/secret', campaign: "B's campaign" } })).json();
  ids.link = link.id;
  ids.slug = link.slug;
  aKey = (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: a.cookie }, payload: { kind: 'secret', name: 'A key', role: 'owner' } })).json().token;
});
afterAll(async () => t.close());

const crossTenantCalls = () =>
  [
    ['GET', `/api/channels/${ids.channel}`, undefined],
    ['PATCH', `/api/channels/${ids.channel}`, { name: 'taken over' }],
    ['GET', `/api/channels/${ids.channel}/costs`, undefined],
    ['POST', `/api/channels/${ids.channel}/costs`, { amountCents: 1, startsOn: '2026-01-01', endsOn: '2026-01-01' }],
    ['DELETE', `/api/channels/${ids.channel}/costs/${ids.cost}`, undefined],
    ['GET', `/api/links/${ids.link}`, undefined],
    ['PATCH', `/api/links/${ids.link}`, { destination: 'https://evil.example.com/' }],
    ['GET', `/api/links/${ids.link}/qr.png`, undefined],
    ['GET', `/api/links/${ids.link}/qr.svg`, undefined],
  ] as const;

describe('taps tenant isolation', () => {
  it.each(['session', 'secret key'] as const)("with A's %s, every id of B is not found and B is untouched", async (via) => {
    const headers = via === 'session' ? { cookie: a.cookie } : { authorization: `Bearer ${aKey}` };
    const bBefore = await snapshotOfB();
    const countsBefore = await tableCounts(t);
    for (const [method, url, payload] of crossTenantCalls()) {
      const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      expect(res.body).not.toContain("B's");
    }
    expect(await snapshotOfB()).toEqual(bBefore);
    expect(await tableCounts(t)).toEqual(countsBefore);
  });

  it("A may not put a link on B's channel", async () => {
    const before = await tableCounts(t);
    const res = await t.app.inject({ method: 'POST', url: '/api/links', headers: { cookie: a.cookie }, payload: { channelId: ids.channel, destination: '/o/x' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('invalid_reference');
    expect(await tableCounts(t)).toEqual(before);
  });

  it("lists only A's own channels and links, filtered by B's channel or not", async () => {
    const channels = (await t.app.inject({ url: '/api/channels?includeArchived=true', headers: { cookie: a.cookie } })).json().data;
    const links = (await t.app.inject({ url: '/api/links', headers: { cookie: a.cookie } })).json().data;
    const byB = (await t.app.inject({ url: `/api/links?channelId=${ids.channel}`, headers: { cookie: a.cookie } })).json().data;
    expect([channels, links, byB]).toEqual([[], [], []]);
  });

  it("B's clicks are B's: the short link counts for B, and A sees none", async () => {
    await t.app.inject({ url: `/l/${ids.slug}`, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36' } });
    const deadline = Date.now() + 10_000;
    let link = (await t.app.inject({ url: `/api/links/${ids.link}`, headers: { cookie: b.cookie } })).json();
    while (link.clicks < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      link = (await t.app.inject({ url: `/api/links/${ids.link}`, headers: { cookie: b.cookie } })).json();
    }
    expect(link.clicks).toBe(1);
  });

  async function snapshotOfB() {
    const [channel, costs, link] = await Promise.all([
      t.app.inject({ url: `/api/channels/${ids.channel}`, headers: { cookie: b.cookie } }),
      t.app.inject({ url: `/api/channels/${ids.channel}/costs`, headers: { cookie: b.cookie } }),
      t.app.inject({ url: `/api/links/${ids.link}`, headers: { cookie: b.cookie } }),
    ]);
    return [channel.json(), costs.json(), link.json()];
  }
});

describe.runIf(onPostgres)('row-level security on the taps tables', () => {
  it('a raw query with no merchant set sees no channels, costs, links or clicks', async () => {
    const client = new pg.Client({ connectionString: t.database.url! });
    await client.connect();
    try {
      for (const table of ['channels', 'channel_costs', 'links', 'clicks']) {
        const res = await client.query(`select count(*)::int as n from ${table}`);
        expect(res.rows[0].n, table).toBe(0);
      }
      await client.query('begin');
      await client.query(`select set_config('reservoir.merchant_id', $1, true)`, [a.merchantId]);
      await expect(
        client.query(`insert into clicks (merchant_id, click_id, link_id, channel_id, visitor_id, occurred_at, is_scan) values ($1, 'clk_X', 'lnk_X', 'chn_X', 'vis_X', now(), false)`, [
          b.merchantId,
        ]),
      ).rejects.toMatchObject({ code: '42501' });
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });
});
