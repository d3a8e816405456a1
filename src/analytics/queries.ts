import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../platform/db.js';
import type { FunnelAgg, Labels, LagAgg, PaymentAgg, RepeatAgg, RetentionAgg, RoiAgg, StoreAgg } from './build.js';
import type { Asked } from './period.js';

/**
 * All reads of the rollups (src/analytics/refresh.ts keeps them). Rollup keys hold '' for
 * "none" (direct, no campaign, any store); the readers turn it back into null.
 */

type Col = RawBuilder<unknown>;
const none = (value: string | null) => (value === '' ? null : value);
const col = (name: string): Col => sql.ref(name) as Col;
const TRUE = sql<boolean>`true`;

/** `column = value` for each filter given, joined by AND. */
function where(pairs: [Col, string | null | undefined][]): RawBuilder<boolean> {
  const parts = pairs.filter(([, v]) => v !== undefined && v !== null).map(([c, v]) => sql`${c} = ${v}`);
  return parts.length === 0 ? TRUE : (sql.join(parts, sql` AND `) as RawBuilder<boolean>);
}

const given = (value: string | null | undefined) => value !== undefined && value !== null;

/**
 * Whether a view asks about channels, links or campaigns. Views that do not, read the narrow
 * day rollups: the wide ones summed over the dimensions the view leaves out (migration 0010), a
 * fifth of the rows.
 */
function asksChannels(q: Asked): boolean {
  return ['channel', 'link', 'campaign'].includes(q.groupBy) || given(q.only.channelId) || given(q.only.linkId) || given(q.only.campaign);
}

function groupColumn(groupBy: string, columns: Record<string, Col>): Col {
  return columns[groupBy] ?? (sql`''` as Col);
}

/**
 * What every answer is framed with, in one round trip: the merchant's time zone, the names of its
 * channels, links, offers and stores, and when the rollups were last brought up to date. Null
 * when the merchant does not exist.
 */
export async function readFrame(tx: Tx, m: string): Promise<{ timezone: string; labels: Labels; refreshedAt: Date | null } | null> {
  type Pair = [string, string];
  const { rows } = await sql<{ timezone: string; refreshed_at: Date | null; channels: Pair[]; links: Pair[]; offers: Pair[]; stores: Pair[] }>`
    SELECT m.timezone,
           (SELECT refreshed_at FROM analytics_state WHERE merchant_id = ${m}) AS refreshed_at,
           (SELECT coalesce(json_agg(json_build_array(channel_id, name)), '[]') FROM channels WHERE merchant_id = ${m}) AS channels,
           (SELECT coalesce(json_agg(json_build_array(link_id, slug)), '[]') FROM links WHERE merchant_id = ${m}) AS links,
           (SELECT coalesce(json_agg(json_build_array(offer_id, name)), '[]') FROM offers WHERE merchant_id = ${m}) AS offers,
           (SELECT coalesce(json_agg(json_build_array(store_id, name)), '[]') FROM stores WHERE merchant_id = ${m}) AS stores
      FROM merchants m WHERE m.merchant_id = ${m}`.execute(tx);
  const row = rows[0];
  if (!row) return null;
  const refreshedAt = row.refreshed_at === null ? null : new Date(row.refreshed_at);
  return { timezone: row.timezone, refreshedAt, labels: { channels: new Map(row.channels), links: new Map(row.links), offers: new Map(row.offers), stores: new Map(row.stores) } };
}

/**
 * What each channel cost in the period: every cost row spread evenly over its days, times the
 * days it shares with the period, rounded to whole cents per channel.
 */
export async function readChannelCosts(tx: Tx, m: string, from: string, to: string, channelId: string | null): Promise<Map<string, number>> {
  const { rows } = await sql<{ channel_id: string; cents: number }>`
    SELECT channel_id,
           round(sum(amount_cents::numeric * (least(ends_on, ${to}::date) - greatest(starts_on, ${from}::date) + 1) / (ends_on - starts_on + 1)))::bigint AS cents
      FROM channel_costs
     WHERE merchant_id = ${m} AND starts_on <= ${to}::date AND ends_on >= ${from}::date
       AND ${where([[col('channel_id'), channelId]])}
     GROUP BY channel_id`.execute(tx);
  return new Map(rows.map((r) => [r.channel_id, Number(r.cents)]));
}

export async function readFunnel(tx: Tx, m: string, q: Asked): Promise<FunnelAgg[]> {
  const key = groupColumn(q.groupBy, { channel: col('ft_channel'), link: col('ft_link'), campaign: col('ft_campaign') });
  const { rows } = await sql<FunnelAgg>`
    SELECT ${key} AS key, sum(n)::bigint AS visitors,
           coalesce(sum(n) FILTER (WHERE claimed), 0)::bigint AS claimed,
           coalesce(sum(n) FILTER (WHERE visited), 0)::bigint AS visited,
           coalesce(sum(n) FILTER (WHERE purchased), 0)::bigint AS purchased,
           coalesce(sum(n) FILTER (WHERE repeated), 0)::bigint AS repeat
      FROM analytics_entry
     WHERE merchant_id = ${m} AND entry_day BETWEEN ${q.from}::date AND ${q.to}::date
       AND ${where([[col('ft_channel'), q.only.channelId], [col('ft_link'), q.only.linkId], [col('ft_campaign'), q.only.campaign]])}
     GROUP BY 1`.execute(tx);
  return rows.map((r) => ({ ...r, key: none(r.key) }));
}

export async function readStoreVisits(tx: Tx, m: string, q: Asked): Promise<LagAgg[]> {
  const key = groupColumn(q.groupBy, {
    offer: col('offer_id'),
    channel: col('channel_id'),
    link: col('link_id'),
    campaign: col('campaign'),
    store: col('store_id'),
    day: sql`day::text` as Col,
  });
  // The narrow claims rollup keeps no store either.
  const narrow = !asksChannels(q) && q.groupBy !== 'store' && !given(q.only.storeId);
  const table = narrow ? sql.table('analytics_claims_day') : sql.table('analytics_coupons_day');
  const { rows } = await sql<LagAgg>`
    SELECT ${key} AS key, lag, sum(n)::bigint AS n
      FROM ${table}
     WHERE merchant_id = ${m} AND day BETWEEN ${q.from}::date AND ${q.to}::date
       AND ${where([
         [col('channel_id'), q.only.channelId],
         [col('link_id'), q.only.linkId],
         [col('campaign'), q.only.campaign],
         [col('offer_id'), q.only.offerId],
         [col('store_id'), q.only.storeId],
       ])}
     GROUP BY 1, 2`.execute(tx);
  return rows.map((r) => ({ ...r, key: none(r.key) }));
}

export async function readPaymentMix(tx: Tx, m: string, q: Asked): Promise<PaymentAgg[]> {
  const key = groupColumn(q.groupBy, { store: col('store_id') });
  const table = asksChannels(q) ? sql.table('analytics_orders_day') : sql.table('analytics_payments_day');
  const { rows } = await sql<PaymentAgg>`
    SELECT ${key} AS key, payment_method AS "paymentMethod", sum(orders)::bigint AS orders,
           sum(gross_cents)::bigint AS "grossCents", sum(refunded_cents)::bigint AS "refundedCents"
      FROM ${table}
     WHERE merchant_id = ${m} AND day BETWEEN ${q.from}::date AND ${q.to}::date
       AND ${where([[col('store_id'), q.only.storeId], [col('channel_id'), q.only.channelId], [col('link_id'), q.only.linkId], [col('campaign'), q.only.campaign]])}
     GROUP BY 1, 2`.execute(tx);
  return rows.map((r) => ({ ...r, key: none(r.key) }));
}

export async function readRepeat(tx: Tx, m: string, q: Asked, today: string): Promise<RepeatAgg[]> {
  const key = groupColumn(q.groupBy, { channel: col('ft_channel'), store: col('first_store'), month: sql`to_char(first_day, 'YYYY-MM')` as Col });
  const { rows } = await sql<RepeatAgg>`
    SELECT ${key} AS key, sum(n)::bigint AS "firstPurchasers",
           ${repeatWindow(30, today)}, ${repeatWindow(60, today)}, ${repeatWindow(90, today)}
      FROM analytics_repeat
     WHERE merchant_id = ${m} AND first_day BETWEEN ${q.from}::date AND ${q.to}::date
       AND ${where([[col('ft_channel'), q.only.channelId], [col('first_store'), q.only.storeId]])}
     GROUP BY 1`.execute(tx);
  return rows.map((r) => ({ ...r, key: none(r.key) }));
}

function repeatWindow(days: number, today: string) {
  return sql`
    coalesce(sum(n) FILTER (WHERE first_day <= ${today}::date - ${days}::int), 0)::bigint AS ${sql.ref(`eligible${days}`)},
    coalesce(sum(n) FILTER (WHERE first_day <= ${today}::date - ${days}::int AND lag BETWEEN 1 AND ${days}::int), 0)::bigint AS ${sql.ref(`repeat${days}`)}`;
}

export async function readRetention(tx: Tx, m: string, q: Asked, unit: 'week' | 'month', firstCohort: string): Promise<RetentionAgg[]> {
  const key = groupColumn(q.groupBy, { channel: col('ft_channel') });
  const { rows } = await sql<RetentionAgg>`
    SELECT cohort::text AS cohort, ${key} AS key, "offset", sum(n)::bigint AS n
      FROM analytics_retention
     WHERE merchant_id = ${m} AND unit = ${unit} AND cohort BETWEEN ${firstCohort}::date AND ${q.to}::date
       AND ${where([[col('ft_channel'), q.only.channelId]])}
     GROUP BY 1, 2, 3`.execute(tx);
  return rows.map((r) => ({ ...r, key: none(r.key) }));
}

export async function readChannelRoi(tx: Tx, m: string, q: Asked): Promise<RoiAgg[]> {
  const ft = groupColumn(q.groupBy, { channel: col('ft_channel'), link: col('ft_link'), campaign: col('ft_campaign') });
  const lt = groupColumn(q.groupBy, { channel: col('channel_id'), link: col('link_id'), campaign: col('campaign') });
  const ftFilter = where([[col('ft_channel'), q.only.channelId], [col('ft_link'), q.only.linkId], [col('ft_campaign'), q.only.campaign]]);
  const ltFilter = where([[col('channel_id'), q.only.channelId], [col('link_id'), q.only.linkId], [col('campaign'), q.only.campaign]]);
  const { rows } = await sql<RoiAgg>`
    SELECT key, sum(a)::bigint AS "newMembers", sum(b)::bigint AS "firstTouchOrders", sum(c)::bigint AS "firstTouchNetCents",
           sum(d)::bigint AS "lastTouchOrders", sum(e)::bigint AS "lastTouchNetCents"
      FROM (
        SELECT ${ft} AS key, n AS a, 0 AS b, 0 AS c, 0 AS d, 0 AS e FROM analytics_entry
         WHERE merchant_id = ${m} AND is_member AND entry_day BETWEEN ${q.from}::date AND ${q.to}::date AND ${ftFilter}
        UNION ALL
        SELECT ${ft}, 0, orders, net_cents, 0, 0 FROM analytics_orders_ft_day
         WHERE merchant_id = ${m} AND day BETWEEN ${q.from}::date AND ${q.to}::date AND ${ftFilter}
        UNION ALL
        SELECT ${lt}, 0, 0, 0, orders, gross_cents - refunded_cents FROM analytics_orders_day
         WHERE merchant_id = ${m} AND day BETWEEN ${q.from}::date AND ${q.to}::date AND ${ltFilter}
      ) x
     GROUP BY key`.execute(tx);
  return rows.map((r) => ({ ...r, key: none(r.key) }));
}

export async function readStores(tx: Tx, m: string, q: Asked): Promise<StoreAgg[]> {
  const period = sql`BETWEEN ${q.from}::date AND ${q.to}::date`;
  const only = where([[col('store_id'), q.only.storeId]]);
  const { rows } = await sql<StoreAgg>`
    SELECT key, sum(v)::bigint AS visits, sum(nm)::bigint AS "newMembers", sum(rv)::bigint AS "returningVisits",
           sum(p)::bigint AS purchases, sum(net)::bigint AS "netCents", sum(cl)::bigint AS claimed, sum(rd)::bigint AS redeemed
      FROM (
        SELECT store_id AS key, visits AS v, 0 AS nm, returning_visits AS rv, 0 AS p, 0 AS net, 0 AS cl, 0 AS rd
          FROM analytics_visits_day WHERE merchant_id = ${m} AND day ${period} AND ${only}
        UNION ALL
        SELECT store_id, 0, n, 0, 0, 0, 0, 0 FROM analytics_first_visit WHERE merchant_id = ${m} AND day ${period} AND ${only}
        UNION ALL
        SELECT store_id, 0, 0, 0, orders, gross_cents - refunded_cents, 0, 0 FROM analytics_payments_day WHERE merchant_id = ${m} AND day ${period} AND ${only}
        UNION ALL
        SELECT store_id, 0, 0, 0, 0, 0, n, CASE WHEN lag >= 0 THEN n ELSE 0 END FROM analytics_coupons_day
         WHERE merchant_id = ${m} AND day ${period} AND store_id <> '' AND ${only}
      ) x
     GROUP BY key`.execute(tx);
  return rows;
}
