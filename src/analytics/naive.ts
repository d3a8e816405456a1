import { sql, type RawBuilder } from 'kysely';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { costsFor } from './answers.js';
import {
  buildChannelRoi,
  buildFunnel,
  buildPaymentMix,
  buildRepeat,
  buildRetention,
  buildStores,
  buildStoreVisits,
  type Frame,
  type FunnelAgg,
  type LagAgg,
  type PaymentAgg,
  type RepeatAgg,
  type RetentionAgg,
  type RoiAgg,
  type StoreAgg,
} from './build.js';
import { checkQuery, localToday, unitStart, type Asked } from './period.js';
import { readFrame } from './queries.js';
import type {
  AnalyticsQuery,
  ChannelRoiAnswer,
  FunnelAnswer,
  PaymentMixAnswer,
  Question,
  RepeatAnswer,
  RetentionAnswer,
  StoresAnswer,
  StoreVisitsAnswer,
} from './schemas.js';

/**
 * The seven questions computed straight from the raw rows, on every call: the oracle of the
 * equivalence test and the baseline of the benchmark. It shares nothing with the rollups but
 * the definitions (docs/metrics.md) and the builders that turn counts into answers; first
 * touch, for one, is found here from the clicks themselves, not from members.first_touch_*.
 */

type Col = RawBuilder<unknown>;
const none = (value: string | null) => (value === '' ? null : value);
const col = (name: string): Col => sql.ref(name) as Col;

function where(pairs: [Col, string | undefined][]): RawBuilder<boolean> {
  const parts = pairs.filter(([, v]) => v !== undefined).map(([c, v]) => sql`${c} = ${v}`);
  return parts.length === 0 ? sql<boolean>`true` : (sql.join(parts, sql` AND `) as RawBuilder<boolean>);
}
function groupColumn(groupBy: string, columns: Record<string, Col>): Col {
  return columns[groupBy] ?? (sql`''` as Col);
}
const local = (column: Col, tz: string) => sql`(${column} AT TIME ZONE ${tz})::date`;

/**
 * Every person with their facts, from raw rows: `people` (pk, is_member, ft_*, entry_day,
 * first_claim_day, first_visit_day, first_visit_store, first_purchase_day, first_purchase_store,
 * second_purchase_day), `mem` (member → person), `activity` (pk, day of a store visit or purchase).
 */
function peopleCtes(m: string, tz: string) {
  return sql`
    mem AS (
      SELECT member_id, coalesce(merged_into, member_id) AS person FROM members WHERE merchant_id = ${m}
    ), owned AS (
      SELECT i.value AS visitor_id, mem.person FROM member_identities i JOIN mem ON mem.member_id = i.member_id
       WHERE i.merchant_id = ${m} AND i.kind = 'anonymous'
    ), touch AS (
      SELECT coalesce('m:' || o.person, 'v:' || c.visitor_id) AS pk, c.click_id, c.occurred_at, c.channel_id, c.link_id, coalesce(l.campaign, '') AS campaign
        FROM clicks c
        LEFT JOIN owned o ON o.visitor_id = c.visitor_id
        LEFT JOIN links l ON l.merchant_id = ${m} AND l.link_id = c.link_id
       WHERE c.merchant_id = ${m}
    ), ft AS (
      SELECT DISTINCT ON (pk) pk, occurred_at, channel_id, link_id, campaign FROM touch ORDER BY pk, occurred_at, click_id
    ), claims AS (
      SELECT 'm:' || mem.person AS pk, min(c.claimed_at) AS at FROM coupons c JOIN mem ON mem.member_id = c.member_id
       WHERE c.merchant_id = ${m} GROUP BY 1
    ), visits AS (
      SELECT 'm:' || mem.person AS pk, v.visit_id, v.store_id, v.occurred_at, ${local(col('v.occurred_at'), tz)} AS day
        FROM store_visits v JOIN mem ON mem.member_id = v.member_id WHERE v.merchant_id = ${m}
    ), fv AS (
      SELECT DISTINCT ON (pk) pk, store_id, day FROM visits ORDER BY pk, occurred_at, visit_id
    ), purchases AS (
      SELECT 'm:' || mem.person AS pk, o.order_id, o.store_id, o.occurred_at, ${local(col('o.occurred_at'), tz)} AS day
        FROM orders o JOIN mem ON mem.member_id = o.member_id WHERE o.merchant_id = ${m} AND o.status <> 'void'
    ), fp AS (
      SELECT DISTINCT ON (pk) pk, store_id, day FROM purchases ORDER BY pk, occurred_at, order_id
    ), sp AS (
      SELECT pu.pk, min(pu.day) AS day FROM purchases pu JOIN fp ON fp.pk = pu.pk AND pu.day > fp.day GROUP BY pu.pk
    ), activity AS (
      SELECT pk, day FROM visits UNION SELECT pk, day FROM purchases
    ), people AS (
      SELECT k.pk, left(k.pk, 2) = 'm:' AS is_member,
             coalesce(ft.channel_id, '') AS ft_channel, coalesce(ft.link_id, '') AS ft_link, coalesce(ft.campaign, '') AS ft_campaign,
             CASE WHEN ft.occurred_at IS NOT NULL THEN ${local(col('ft.occurred_at'), tz)}
                  ELSE least(${local(col('claims.at'), tz)}, fv.day, fp.day) END AS entry_day,
             ${local(col('claims.at'), tz)} AS first_claim_day,
             fv.day AS first_visit_day, fv.store_id AS first_visit_store,
             fp.day AS first_purchase_day, fp.store_id AS first_purchase_store, sp.day AS second_purchase_day
        FROM (SELECT 'm:' || member_id AS pk FROM members WHERE merchant_id = ${m} AND merged_into IS NULL
              UNION SELECT pk FROM ft) k
        LEFT JOIN ft ON ft.pk = k.pk
        LEFT JOIN claims ON claims.pk = k.pk
        LEFT JOIN fv ON fv.pk = k.pk
        LEFT JOIN fp ON fp.pk = k.pk
        LEFT JOIN sp ON sp.pk = k.pk
    )`;
}

/** Coupons with their claim day, last touch, store and lag (-1: not redeemed), from raw rows. */
function couponCte(m: string, tz: string) {
  return sql`
    cps AS (
      SELECT ${local(col('c.claimed_at'), tz)} AS day, c.offer_id, coalesce(c.channel_id, '') AS channel_id, coalesce(c.link_id, '') AS link_id,
             coalesce(l.campaign, '') AS campaign,
             coalesce(r.store_id, CASE WHEN cardinality(c.store_ids) = 1 THEN c.store_ids[1] ELSE '' END) AS store_id,
             CASE WHEN c.redeemed_at IS NULL THEN -1 ELSE ${local(col('c.redeemed_at'), tz)} - ${local(col('c.claimed_at'), tz)} END AS lag
        FROM coupons c
        LEFT JOIN redemptions r ON r.merchant_id = ${m} AND r.redemption_id = c.redemption_id
        LEFT JOIN links l ON l.merchant_id = ${m} AND l.link_id = c.link_id
       WHERE c.merchant_id = ${m}
    )`;
}

/** Purchases (orders not void) with day, last touch and the buyer's person key. */
function orderCte(m: string, tz: string) {
  return sql`
    ords AS (
      SELECT ${local(col('o.occurred_at'), tz)} AS day, o.store_id, o.payment_method, o.total_cents, o.refunded_cents,
             coalesce(o.channel_id, '') AS channel_id, coalesce(o.link_id, '') AS link_id, coalesce(l.campaign, '') AS campaign,
             'm:' || coalesce(mb.merged_into, mb.member_id) AS pk
        FROM orders o
        LEFT JOIN links l ON l.merchant_id = ${m} AND l.link_id = o.link_id
        LEFT JOIN members mb ON mb.merchant_id = ${m} AND mb.member_id = o.member_id
       WHERE o.merchant_id = ${m} AND o.status <> 'void'
    )`;
}

async function framed<T>(db: Db, m: string, question: Question, query: AnalyticsQuery, read: (tx: Tx, frame: Frame, tz: string) => Promise<T>): Promise<T> {
  const asked = checkQuery(question, query);
  return inTenant(db, m, async (tx) => {
    const facts = await readFrame(tx, m);
    if (!facts) throw new AppError('not_found');
    const frame: Frame = { asked, timezone: facts.timezone, labels: facts.labels, refreshedAt: new Date() };
    return read(tx, frame, facts.timezone);
  });
}

const inPeriod = (q: Asked, column: Col) => sql`${column} BETWEEN ${q.from}::date AND ${q.to}::date`;

export function naiveFunnel(db: Db, m: string, query: AnalyticsQuery): Promise<FunnelAnswer> {
  return framed(db, m, 'funnel', query, async (tx, frame, tz) => {
    const q = frame.asked;
    const key = groupColumn(q.groupBy, { channel: col('ft_channel'), link: col('ft_link'), campaign: col('ft_campaign') });
    const { rows } = await sql<FunnelAgg>`
      WITH ${peopleCtes(m, tz)}
      SELECT ${key} AS key, count(*) AS visitors,
             count(*) FILTER (WHERE first_claim_day IS NOT NULL) AS claimed,
             count(*) FILTER (WHERE first_visit_day IS NOT NULL) AS visited,
             count(*) FILTER (WHERE first_purchase_day IS NOT NULL) AS purchased,
             count(*) FILTER (WHERE second_purchase_day IS NOT NULL) AS repeat
        FROM people
       WHERE ${inPeriod(q, col('entry_day'))}
         AND ${where([[col('ft_channel'), q.only.channelId], [col('ft_link'), q.only.linkId], [col('ft_campaign'), q.only.campaign]])}
       GROUP BY 1`.execute(tx);
    return buildFunnel(frame, rows.map((r) => ({ ...r, key: none(r.key) })));
  });
}

export function naiveStoreVisits(db: Db, m: string, query: AnalyticsQuery): Promise<StoreVisitsAnswer> {
  return framed(db, m, 'store-visits', query, async (tx, frame, tz) => {
    const q = frame.asked;
    const key = groupColumn(q.groupBy, { offer: col('offer_id'), channel: col('channel_id'), link: col('link_id'), campaign: col('campaign'), store: col('store_id'), day: sql`day::text` as Col });
    const { rows } = await sql<LagAgg>`
      WITH ${couponCte(m, tz)}
      SELECT ${key} AS key, lag, count(*) AS n FROM cps
       WHERE ${inPeriod(q, col('day'))}
         AND ${where([[col('channel_id'), q.only.channelId], [col('link_id'), q.only.linkId], [col('campaign'), q.only.campaign], [col('offer_id'), q.only.offerId], [col('store_id'), q.only.storeId]])}
       GROUP BY 1, 2`.execute(tx);
    return buildStoreVisits(frame, rows.map((r) => ({ ...r, key: none(r.key) })));
  });
}

export function naivePaymentMix(db: Db, m: string, query: AnalyticsQuery): Promise<PaymentMixAnswer> {
  return framed(db, m, 'payment-mix', query, async (tx, frame, tz) => {
    const q = frame.asked;
    const key = groupColumn(q.groupBy, { store: col('store_id') });
    const { rows } = await sql<PaymentAgg>`
      WITH ${orderCte(m, tz)}
      SELECT ${key} AS key, payment_method AS "paymentMethod", count(*) AS orders,
             sum(total_cents)::bigint AS "grossCents", sum(refunded_cents)::bigint AS "refundedCents"
        FROM ords
       WHERE ${inPeriod(q, col('day'))}
         AND ${where([[col('store_id'), q.only.storeId], [col('channel_id'), q.only.channelId], [col('link_id'), q.only.linkId], [col('campaign'), q.only.campaign]])}
       GROUP BY 1, 2`.execute(tx);
    return buildPaymentMix(frame, rows.map((r) => ({ ...r, key: none(r.key) })));
  });
}

export function naiveRepeat(db: Db, m: string, query: AnalyticsQuery, now = new Date()): Promise<RepeatAnswer> {
  return framed(db, m, 'repeat', query, async (tx, frame, tz) => {
    const q = frame.asked;
    const today = localToday(tz, now);
    const key = groupColumn(q.groupBy, { channel: col('ft_channel'), store: col('first_purchase_store'), month: sql`to_char(first_purchase_day, 'YYYY-MM')` as Col });
    const window = (days: number) => sql`
      count(*) FILTER (WHERE first_purchase_day <= ${today}::date - ${days}::int) AS ${sql.ref(`eligible${days}`)},
      count(*) FILTER (WHERE first_purchase_day <= ${today}::date - ${days}::int AND second_purchase_day - first_purchase_day <= ${days}::int) AS ${sql.ref(`repeat${days}`)}`;
    const { rows } = await sql<RepeatAgg>`
      WITH ${peopleCtes(m, tz)}
      SELECT ${key} AS key, count(*) AS "firstPurchasers", ${window(30)}, ${window(60)}, ${window(90)}
        FROM people
       WHERE ${inPeriod(q, col('first_purchase_day'))}
         AND ${where([[col('ft_channel'), q.only.channelId], [col('first_purchase_store'), q.only.storeId]])}
       GROUP BY 1`.execute(tx);
    return buildRepeat(frame, today, rows.map((r) => ({ ...r, key: none(r.key) })));
  });
}

export function naiveRetention(db: Db, m: string, query: AnalyticsQuery): Promise<RetentionAnswer> {
  return framed(db, m, 'retention', query, async (tx, frame, tz) => {
    const q = frame.asked;
    const unit = query.unit ?? 'week';
    const key = groupColumn(q.groupBy, { channel: col('ft_channel') });
    const offset =
      unit === 'week'
        ? sql`(date_trunc('week', a.day::timestamp)::date - date_trunc('week', p.first_visit_day::timestamp)::date) / 7`
        : sql`((extract(year FROM a.day) * 12 + extract(month FROM a.day)) - (extract(year FROM p.first_visit_day) * 12 + extract(month FROM p.first_visit_day)))::int`;
    const { rows } = await sql<RetentionAgg>`
      WITH ${peopleCtes(m, tz)}
      SELECT cohort::text AS cohort, key, k AS "offset", count(DISTINCT pk) AS n
        FROM (
          SELECT p.pk, date_trunc(${unit}, p.first_visit_day::timestamp)::date AS cohort, ${key} AS key, ${offset} AS k
            FROM people p JOIN activity a ON a.pk = p.pk
           WHERE p.first_visit_day IS NOT NULL AND a.day >= p.first_visit_day
             AND ${where([[col('ft_channel'), q.only.channelId]])}
        ) x
       WHERE cohort BETWEEN ${unitStart(q.from, unit)}::date AND ${q.to}::date
       GROUP BY 1, 2, 3`.execute(tx);
    return buildRetention(frame, unit, rows.map((r) => ({ ...r, key: none(r.key) })));
  });
}

export function naiveChannelRoi(db: Db, m: string, query: AnalyticsQuery): Promise<ChannelRoiAnswer> {
  return framed(db, m, 'channel-roi', query, async (tx, frame, tz) => {
    const q = frame.asked;
    const ft = groupColumn(q.groupBy, { channel: col('ft_channel'), link: col('ft_link'), campaign: col('ft_campaign') });
    const lt = groupColumn(q.groupBy, { channel: col('channel_id'), link: col('link_id'), campaign: col('campaign') });
    const ftFilter = where([[col('ft_channel'), q.only.channelId], [col('ft_link'), q.only.linkId], [col('ft_campaign'), q.only.campaign]]);
    const ltFilter = where([[col('channel_id'), q.only.channelId], [col('link_id'), q.only.linkId], [col('campaign'), q.only.campaign]]);
    const { rows } = await sql<RoiAgg>`
      WITH ${peopleCtes(m, tz)}, ${orderCte(m, tz)},
      buyers AS (
        SELECT o.day, o.total_cents - o.refunded_cents AS net,
               coalesce(p.ft_channel, '') AS ft_channel, coalesce(p.ft_link, '') AS ft_link, coalesce(p.ft_campaign, '') AS ft_campaign
          FROM ords o LEFT JOIN people p ON p.pk = o.pk
      )
      SELECT key, sum(a)::bigint AS "newMembers", sum(b)::bigint AS "firstTouchOrders", sum(c)::bigint AS "firstTouchNetCents",
             sum(d)::bigint AS "lastTouchOrders", sum(e)::bigint AS "lastTouchNetCents"
        FROM (
          SELECT ${ft} AS key, 1 AS a, 0 AS b, 0 AS c, 0 AS d, 0 AS e FROM people WHERE is_member AND ${inPeriod(q, col('entry_day'))} AND ${ftFilter}
          UNION ALL
          SELECT ${ft}, 0, 1, net, 0, 0 FROM buyers WHERE ${inPeriod(q, col('day'))} AND ${ftFilter}
          UNION ALL
          SELECT ${lt}, 0, 0, 0, 1, total_cents - refunded_cents FROM ords WHERE ${inPeriod(q, col('day'))} AND ${ltFilter}
        ) x
       GROUP BY key`.execute(tx);
    return buildChannelRoi(frame, rows.map((r) => ({ ...r, key: none(r.key) })), await costsFor(tx, m, q));
  });
}

export function naiveStores(db: Db, m: string, query: AnalyticsQuery): Promise<StoresAnswer> {
  return framed(db, m, 'stores', query, async (tx, frame, tz) => {
    const q = frame.asked;
    const only = where([[col('store_id'), q.only.storeId]]);
    const { rows } = await sql<StoreAgg>`
      WITH ${peopleCtes(m, tz)}, ${orderCte(m, tz)}, ${couponCte(m, tz)},
      sv AS (
        SELECT DISTINCT ${local(col('v.occurred_at'), tz)} AS day, v.store_id,
               CASE WHEN v.member_id IS NULL THEN 's:' || v.visit_id ELSE 'm:' || mem.person END AS pk
          FROM store_visits v LEFT JOIN mem ON mem.member_id = v.member_id
         WHERE v.merchant_id = ${m}
      )
      SELECT key, sum(v)::bigint AS visits, sum(nm)::bigint AS "newMembers", sum(rv)::bigint AS "returningVisits",
             sum(p)::bigint AS purchases, sum(net)::bigint AS "netCents", sum(cl)::bigint AS claimed, sum(rd)::bigint AS redeemed
        FROM (
          SELECT sv.store_id AS key, 1 AS v, 0 AS nm, CASE WHEN p.first_visit_day < sv.day THEN 1 ELSE 0 END AS rv, 0 AS p, 0 AS net, 0 AS cl, 0 AS rd
            FROM sv LEFT JOIN people p ON p.pk = sv.pk WHERE ${inPeriod(q, col('sv.day'))} AND ${where([[col('sv.store_id'), q.only.storeId]])}
          UNION ALL
          SELECT first_visit_store, 0, 1, 0, 0, 0, 0, 0 FROM people
           WHERE ${inPeriod(q, col('first_visit_day'))} AND ${where([[col('first_visit_store'), q.only.storeId]])}
          UNION ALL
          SELECT store_id, 0, 0, 0, 1, total_cents - refunded_cents, 0, 0 FROM ords WHERE ${inPeriod(q, col('day'))} AND ${only}
          UNION ALL
          SELECT store_id, 0, 0, 0, 0, 0, 1, CASE WHEN lag >= 0 THEN 1 ELSE 0 END FROM cps
           WHERE ${inPeriod(q, col('day'))} AND store_id <> '' AND ${only}
        ) x
       GROUP BY key`.execute(tx);
    return buildStores(frame, rows);
  });
}

export const naiveAnswerers = {
  funnel: naiveFunnel,
  'store-visits': naiveStoreVisits,
  'payment-mix': naivePaymentMix,
  repeat: naiveRepeat,
  retention: naiveRetention,
  'channel-roi': naiveChannelRoi,
  stores: naiveStores,
} satisfies Record<Question, unknown>;
