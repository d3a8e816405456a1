import { sql, type Selectable } from 'kysely';
import { touchLine } from '../members/touches.js';
import type { Tx } from '../platform/db.js';
import type { ChannelKind, ChannelsTable, LinksTable } from '../platform/schema.js';

/**
 * All SQL of taps. Tenant queries take `merchantId` first and filter on it; the two directory
 * queries (`findSlug` and the slug claim) read `link_slugs`, which names no merchant in the URL.
 */

export type ChannelRow = Selectable<ChannelsTable>;
export type LinkRow = Selectable<LinksTable>;
export interface CostRow {
  cost_id: string;
  channel_id: string;
  amount_cents: number;
  currency: string;
  starts_on: string;
  ends_on: string;
  note: string;
  created_at: Date;
}

// ---- channels

/** Inserts a channel; undefined when the merchant already has one with that name. */
export async function insertChannel(
  merchantId: string,
  tx: Tx,
  row: { channelId: string; name: string; kind: ChannelKind },
): Promise<ChannelRow | undefined> {
  return tx
    .insertInto('channels')
    .values({ merchant_id: merchantId, channel_id: row.channelId, name: row.name, kind: row.kind })
    .onConflict((oc) => oc.columns(['merchant_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function listChannels(
  merchantId: string,
  tx: Tx,
  filter: { includeArchived: boolean; kind: ChannelKind | undefined },
): Promise<ChannelRow[]> {
  let query = tx.selectFrom('channels').selectAll().where('merchant_id', '=', merchantId);
  if (!filter.includeArchived) query = query.where('archived_at', 'is', null);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  return query.orderBy('channel_id').execute();
}

export async function findChannel(merchantId: string, tx: Tx, channelId: string): Promise<ChannelRow | undefined> {
  return tx.selectFrom('channels').selectAll().where('merchant_id', '=', merchantId).where('channel_id', '=', channelId).executeTakeFirst();
}

export async function channelNameUsed(merchantId: string, tx: Tx, name: string, exceptChannelId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('channels')
    .select('channel_id')
    .where('merchant_id', '=', merchantId)
    .where('name', '=', name)
    .where('channel_id', '<>', exceptChannelId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function updateChannel(
  merchantId: string,
  tx: Tx,
  channelId: string,
  patch: Partial<{ name: string; kind: ChannelKind; archived_at: Date | null }>,
): Promise<ChannelRow | undefined> {
  return tx
    .updateTable('channels')
    .set({ ...patch, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('channel_id', '=', channelId)
    .returningAll()
    .executeTakeFirst();
}

// ---- channel costs

// Dates come back as text: a `date` parsed into a JS Date lands on local midnight and may
// print as the day before.
const costColumns = [
  'cost_id',
  'channel_id',
  'amount_cents',
  'currency',
  sql<string>`starts_on::text`.as('starts_on'),
  sql<string>`ends_on::text`.as('ends_on'),
  'note',
  'created_at',
] as const;

export async function insertCost(
  merchantId: string,
  tx: Tx,
  row: { costId: string; channelId: string; amountCents: number; currency: string; startsOn: string; endsOn: string; note: string },
): Promise<CostRow> {
  return tx
    .insertInto('channel_costs')
    .values({
      merchant_id: merchantId,
      cost_id: row.costId,
      channel_id: row.channelId,
      amount_cents: row.amountCents,
      currency: row.currency,
      starts_on: row.startsOn,
      ends_on: row.endsOn,
      note: row.note,
    })
    .returning(costColumns)
    .executeTakeFirstOrThrow();
}

export async function listCosts(merchantId: string, tx: Tx, channelId: string): Promise<CostRow[]> {
  return tx
    .selectFrom('channel_costs')
    .select(costColumns)
    .where('merchant_id', '=', merchantId)
    .where('channel_id', '=', channelId)
    .orderBy('starts_on')
    .orderBy('cost_id')
    .execute();
}

/** The changed cost; undefined when there is no such cost on that channel. */
export async function updateCost(
  merchantId: string,
  tx: Tx,
  channelId: string,
  costId: string,
  patch: Partial<{ amount_cents: number; currency: string; starts_on: string; ends_on: string; note: string }>,
): Promise<CostRow | undefined> {
  return tx
    .updateTable('channel_costs')
    .set(patch)
    .where('merchant_id', '=', merchantId)
    .where('channel_id', '=', channelId)
    .where('cost_id', '=', costId)
    .returning(costColumns)
    .executeTakeFirst();
}

export async function findCost(merchantId: string, tx: Tx, channelId: string, costId: string): Promise<CostRow | undefined> {
  return tx
    .selectFrom('channel_costs')
    .select(costColumns)
    .where('merchant_id', '=', merchantId)
    .where('channel_id', '=', channelId)
    .where('cost_id', '=', costId)
    .executeTakeFirst();
}

/** True when the cost existed (on that channel) and is now gone. */
export async function deleteCost(merchantId: string, tx: Tx, channelId: string, costId: string): Promise<boolean> {
  const result = await tx
    .deleteFrom('channel_costs')
    .where('merchant_id', '=', merchantId)
    .where('channel_id', '=', channelId)
    .where('cost_id', '=', costId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

// ---- links

/**
 * Reserves `slug` for the link in the cross-tenant directory, in the caller's transaction.
 * True when the slug is now (or already was) this link's; false when anyone else holds it.
 * One statement, so two merchants racing for a slug cannot both win.
 */
export async function claimSlug(merchantId: string, tx: Tx, slug: string, linkId: string): Promise<boolean> {
  const row = await tx
    .insertInto('link_slugs')
    .values({ slug, merchant_id: merchantId, link_id: linkId })
    .onConflict((oc) =>
      oc
        .column('slug')
        .doUpdateSet({ slug })
        .where('link_slugs.merchant_id', '=', merchantId)
        .where('link_slugs.link_id', '=', linkId),
    )
    .returning('slug')
    .executeTakeFirst();
  return row !== undefined;
}

/** Every slug that leads to the link: its current one and those it had before. */
export async function slugsOfLink(merchantId: string, tx: Tx, linkId: string): Promise<string[]> {
  const rows = await tx.selectFrom('link_slugs').select('slug').where('merchant_id', '=', merchantId).where('link_id', '=', linkId).execute();
  return rows.map((r) => r.slug);
}

export async function insertLink(
  merchantId: string,
  tx: Tx,
  row: { linkId: string; slug: string; channelId: string; campaign: string | null; destination: string; expiresAt: Date | null; active: boolean },
): Promise<LinkRow> {
  return tx
    .insertInto('links')
    .values({
      merchant_id: merchantId,
      link_id: row.linkId,
      slug: row.slug,
      channel_id: row.channelId,
      campaign: row.campaign,
      destination: row.destination,
      expires_at: row.expiresAt,
      active: row.active,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findLink(merchantId: string, tx: Tx, linkId: string): Promise<LinkRow | undefined> {
  return tx.selectFrom('links').selectAll().where('merchant_id', '=', merchantId).where('link_id', '=', linkId).executeTakeFirst();
}

export async function listLinks(
  merchantId: string,
  tx: Tx,
  filter: { channelId: string | undefined; campaign: string | undefined },
): Promise<LinkRow[]> {
  let query = tx.selectFrom('links').selectAll().where('merchant_id', '=', merchantId);
  if (filter.channelId !== undefined) query = query.where('channel_id', '=', filter.channelId);
  if (filter.campaign !== undefined) query = query.where('campaign', '=', filter.campaign);
  return query.orderBy('link_id', 'desc').execute();
}

export async function updateLink(
  merchantId: string,
  tx: Tx,
  linkId: string,
  patch: Partial<{ channel_id: string; slug: string; destination: string; campaign: string | null; expires_at: Date | null; active: boolean }>,
): Promise<LinkRow | undefined> {
  return tx
    .updateTable('links')
    .set({ ...patch, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('link_id', '=', linkId)
    .returningAll()
    .executeTakeFirst();
}

/** Counted clicks and scans per link. */
export async function countClicks(merchantId: string, tx: Tx, linkIds: string[]): Promise<Map<string, { clicks: number; scans: number }>> {
  if (linkIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('clicks')
    .select((eb) => [
      'link_id',
      eb.fn.countAll<number>().filterWhere('is_scan', '=', false).as('clicks'),
      eb.fn.countAll<number>().filterWhere('is_scan', '=', true).as('scans'),
    ])
    .where('merchant_id', '=', merchantId)
    .where('link_id', 'in', linkIds)
    .groupBy('link_id')
    .execute();
  return new Map(rows.map((r) => [r.link_id, { clicks: Number(r.clicks), scans: Number(r.scans) }]));
}

// ---- the redirect

/** Directory: which merchant's link a short URL names. Runs with no merchant set. */
export async function findSlug(tx: Tx, slug: string): Promise<{ merchant_id: string; link_id: string } | undefined> {
  return tx.selectFrom('link_slugs').select(['merchant_id', 'link_id']).where('slug', '=', slug).executeTakeFirst();
}

/** What the redirect needs of a link, with the merchant's salt for hashing client addresses. */
export async function findRedirectTarget(merchantId: string, tx: Tx, linkId: string) {
  return tx
    .selectFrom('links')
    .innerJoin('merchants', 'merchants.merchant_id', 'links.merchant_id')
    .select(['links.link_id', 'links.channel_id', 'links.destination', 'links.expires_at', 'links.active', 'merchants.ip_salt'])
    .where('links.merchant_id', '=', merchantId)
    .where('links.link_id', '=', linkId)
    .executeTakeFirst();
}

// ---- clicks

export interface ClickRow {
  clickId: string;
  linkId: string;
  channelId: string;
  visitorId: string;
  occurredAt: Date;
  isScan: boolean;
  referrer: string | null;
  ipHash: string | null;
  uaFamily: string | null;
  country: string | null;
  region: string | null;
}

/**
 * A click as one line of text, the form in which the click buffer keeps it and the database
 * receives it: touchLine's three fields (id, visitor, time), then the rest, tab-separated.
 * One string per waiting click instead of an object with a dozen fields: under load the
 * buffered clicks outlive a few young-generation collections, and each object there is copied.
 */
export function clickLine(c: ClickRow): string {
  return `${touchLine(c)}\t${c.linkId}\t${c.channelId}\t${c.isScan ? 't' : 'f'}\t${field(c.referrer)}\t${field(c.ipHash)}\t${field(c.uaFamily)}\t${field(c.country)}\t${field(c.region)}\n`;
}

/**
 * One set-based insert for a batch of clickLine lines, sent as one text parameter and split by
 * the database: on the redirect benchmark, pg's escaping of eleven column arrays (a quoted
 * element per value) was the largest cost of a flush in the server's one thread, and with
 * PGlite every array was also copied to the database's thread. A retried batch whose first
 * attempt did commit (the acknowledgement was lost) inserts nothing twice: click ids are fixed
 * before the first try.
 */
export async function insertClicks(merchantId: string, tx: Tx, lines: string): Promise<void> {
  if (lines === '') return;
  // string_to_array's third argument reads an empty field as NULL.
  await sql`
    INSERT INTO clicks (merchant_id, click_id, visitor_id, occurred_at, link_id, channel_id, is_scan, referrer, ip_hash, ua_family, country, region)
    SELECT ${merchantId}, f[1], f[2], to_timestamp(f[3]::float8 / 1000), f[4], f[5], f[6]::boolean, f[7], f[8], f[9], f[10], f[11]
      FROM unnest(string_to_array(rtrim(${lines}, E'\n'), E'\n')) AS line, string_to_array(line, E'\t', '') AS f
    ON CONFLICT (merchant_id, click_id) DO NOTHING`.execute(tx);
}

/**
 * A free-text value as one field of a line: null and '' both stored as NULL, and tabs and line
 * breaks (which a referrer's URL never holds, but a proxy's region header might) as spaces.
 */
function field(value: string | null): string {
  if (value === null) return '';
  return /[\t\n\r]/.test(value) ? value.replace(/[\t\n\r]/g, ' ') : value;
}

// ---- what a link brought

export interface LinkOutcomeCounts {
  clicks: number;
  scans: number;
  visitors: number;
  claims: number;
  visits: number;
  orders: number;
  revenueCents: number;
}

/**
 * Everything a link led to, counted from the raw rows: its clicks and scans, the distinct
 * visitors behind them, the coupons whose stored last touch is this link, how many of those
 * were redeemed (a store visit; undone redemptions do not count), and the orders (voids left
 * out) whose stored last touch is this link with their net revenue.
 */
export async function countLinkOutcomes(merchantId: string, tx: Tx, linkId: string): Promise<LinkOutcomeCounts> {
  const taps = await tx
    .selectFrom('clicks')
    .select((eb) => [
      eb.fn.countAll<string>().filterWhere('is_scan', '=', false).as('clicks'),
      eb.fn.countAll<string>().filterWhere('is_scan', '=', true).as('scans'),
      eb.fn.count<string>('visitor_id').distinct().as('visitors'),
    ])
    .where('merchant_id', '=', merchantId)
    .where('link_id', '=', linkId)
    .executeTakeFirstOrThrow();
  const coupons = await tx
    .selectFrom('coupons')
    .leftJoin('redemptions', (join) =>
      join.onRef('redemptions.merchant_id', '=', 'coupons.merchant_id').onRef('redemptions.coupon_id', '=', 'coupons.coupon_id').on('redemptions.undone_at', 'is', null),
    )
    .select((eb) => [eb.fn.count<string>('coupons.coupon_id').distinct().as('claims'), eb.fn.count<string>('redemptions.coupon_id').distinct().as('visits')])
    .where('coupons.merchant_id', '=', merchantId)
    .where('coupons.link_id', '=', linkId)
    .executeTakeFirstOrThrow();
  const orders = await tx
    .selectFrom('orders')
    .select((eb) => [eb.fn.countAll<string>().as('orders'), sql<string>`coalesce(sum(total_cents - refunded_cents), 0)`.as('revenue')])
    .where('merchant_id', '=', merchantId)
    .where('link_id', '=', linkId)
    .where('status', '!=', 'void')
    .executeTakeFirstOrThrow();
  return {
    clicks: Number(taps.clicks),
    scans: Number(taps.scans),
    visitors: Number(taps.visitors),
    claims: Number(coupons.claims),
    visits: Number(coupons.visits),
    orders: Number(orders.orders),
    revenueCents: Number(orders.revenue),
  };
}
