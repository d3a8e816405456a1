import { sql } from 'kysely';
import { inTenant, type Db, type Tx } from '../platform/db.js';

/**
 * Brings one merchant's rollups up to date (docs/metrics.md, "How answers stay fast").
 *
 * Triggers on the raw tables write dirty keys (a person, or a UTC day of coupons, orders or
 * store visits). A refresh takes a chunk of them — deleting exactly the rows it took — and, in
 * the same READ COMMITTED transaction but in later statements, recomputes from the raw rows:
 * every write whose dirty row it took has committed and is seen; a write that commits later
 * left its own dirty row for the next refresh. Person rollups move by deltas (subtract the
 * person's previous facts, add the new ones), so merges and late clicks stay exact; day rollups
 * are recomputed for each dirty local day. One refresher per merchant at a time (an advisory
 * lock held by each chunk's transaction); a crash rolls the chunk back and leaves its dirty
 * rows for the next one.
 */
export async function refreshRollups(db: Db, merchantId: string, options: { chunkSize?: number } = {}): Promise<RefreshResult> {
  const chunkSize = options.chunkSize ?? 20_000;
  const result: RefreshResult = { chunks: 0, dirtyRows: 0, persons: 0, days: 0, rebuilt: false };
  let followUps = 0;
  for (;;) {
    const chunk = await inTenant(db, merchantId, (tx) => refreshChunk(tx, merchantId, chunkSize));
    result.chunks += 1;
    result.dirtyRows += chunk.taken;
    result.persons += chunk.persons;
    result.days += chunk.days;
    result.rebuilt ||= chunk.rebuilt;
    // Fewer than a chunk, and no days marked by changed persons: caught up. Writes arriving
    // meanwhile wait for the next refresh (as do marks past a few follow-up chunks), so a busy
    // merchant cannot keep one refresh going forever.
    if (!chunk.rebuilt && chunk.taken < chunkSize && (chunk.marked === 0 || followUps++ >= 3)) return result;
  }
}

export interface RefreshResult {
  chunks: number;
  dirtyRows: number;
  persons: number;
  days: number;
  /** All rollups were rebuilt (first refresh, a time zone change, a link moved to another channel or campaign). */
  rebuilt: boolean;
}

/** When the merchant's rollups were last brought up to date (null: never). */
export async function refreshedAt(tx: Tx, merchantId: string): Promise<Date | null> {
  const row = await tx.selectFrom('analytics_state').select('refreshed_at').where('merchant_id', '=', merchantId).executeTakeFirst();
  return row?.refreshed_at ?? null;
}

const ROLLUPS = [
  'analytics_person_facts',
  'analytics_entry',
  'analytics_repeat',
  'analytics_first_visit',
  'analytics_retention',
  'analytics_coupons_day',
  'analytics_claims_day',
  'analytics_orders_day',
  'analytics_payments_day',
  'analytics_orders_ft_day',
  'analytics_visits_day',
] as const;

const RAW_TABLES = ['members', 'member_identities', 'clicks', 'links', 'coupons', 'redemptions', 'store_visits', 'orders'] as const;

async function refreshChunk(tx: Tx, m: string, chunkSize: number): Promise<{ taken: number; persons: number; days: number; marked: number; rebuilt: boolean }> {
  await sql`select pg_advisory_xact_lock(hashtext('reservoir.analytics'), hashtext(${m}))`.execute(tx);
  const merchant = await tx.selectFrom('merchants').select('timezone').where('merchant_id', '=', m).executeTakeFirst();
  if (!merchant) return { taken: 0, persons: 0, days: 0, marked: 0, rebuilt: false };
  const tz = merchant.timezone;
  const state = await tx.selectFrom('analytics_state').select('timezone').where('merchant_id', '=', m).executeTakeFirst();
  if (!state || state.timezone !== tz) {
    await rebuild(tx, m, tz);
    return { taken: 0, persons: 0, days: 0, marked: 0, rebuilt: true };
  }

  // The common case of a dashboard load: nothing changed since the last refresh.
  const { rows: pending } = await sql<{ one: number }>`SELECT 1 AS one FROM analytics_dirty WHERE merchant_id = ${m} LIMIT 1`.execute(tx);
  if (pending.length === 0) {
    await touchState(tx, m, tz);
    return { taken: 0, persons: 0, days: 0, marked: 0, rebuilt: false };
  }

  // `id` is the key without its 'm:' / 'v:' prefix, stored so that joins to the raw tables
  // compare plain columns: under row-level security a condition with a function that is not
  // leakproof (substr) is not used for an index, and a probe becomes a scan.
  await sql`
    CREATE TEMP TABLE an_taken (scope text NOT NULL, key text NOT NULL, id text GENERATED ALWAYS AS (substr(key, 3)) STORED) ON COMMIT DROP;
    CREATE TEMP TABLE an_persons (person_key text PRIMARY KEY, id text GENERATED ALWAYS AS (substr(person_key, 3)) STORED) ON COMMIT DROP;
    CREATE TEMP TABLE an_live (person text PRIMARY KEY, first_touch_click_id text) ON COMMIT DROP;
    CREATE TEMP TABLE an_pm (person text NOT NULL, member_id text NOT NULL, PRIMARY KEY (person, member_id)) ON COMMIT DROP;
    CREATE TEMP TABLE an_changed (person_key text PRIMARY KEY, id text GENERATED ALWAYS AS (substr(person_key, 3)) STORED) ON COMMIT DROP;
    CREATE TEMP TABLE an_old (LIKE analytics_person_facts INCLUDING DEFAULTS) ON COMMIT DROP;
    CREATE TEMP TABLE an_new (LIKE analytics_person_facts INCLUDING DEFAULTS) ON COMMIT DROP;
    CREATE TEMP TABLE an_days (kind text NOT NULL, day date NOT NULL, starts_at timestamptz, ends_at timestamptz, PRIMARY KEY (kind, day)) ON COMMIT DROP;
  `.execute(tx);

  const { rows } = await sql<{ n: number }>`
    WITH taken AS (
      DELETE FROM analytics_dirty
       WHERE merchant_id = ${m}
         AND id IN (SELECT id FROM analytics_dirty WHERE merchant_id = ${m} ORDER BY id LIMIT ${chunkSize})
      RETURNING scope, key
    ), kept AS (
      INSERT INTO an_taken (scope, key) SELECT DISTINCT scope, key FROM taken
    )
    SELECT count(*)::int AS n FROM taken`.execute(tx);
  const taken = rows[0]?.n ?? 0;
  // Temporary tables have no statistics until analysed; without them the planner guesses one
  // row and may pick nested loops over scans.
  await sql`ANALYZE an_taken`.execute(tx);
  if (taken === 0) {
    await touchState(tx, m, tz);
    return { taken, persons: 0, days: 0, marked: 0, rebuilt: false };
  }
  const { rows: rebuildRows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM an_taken WHERE scope = 'rebuild'`.execute(tx);
  if ((rebuildRows[0]?.n ?? 0) > 0) {
    await rebuild(tx, m, tz);
    return { taken, persons: 0, days: 0, marked: 0, rebuilt: true };
  }

  const { persons, marked } = await recomputePersons(tx, m, tz);
  const days = await recomputeDays(tx, m, tz);
  await touchState(tx, m, tz);
  return { taken, persons, days, marked, rebuilt: false };
}

async function touchState(tx: Tx, m: string, tz: string): Promise<void> {
  await sql`
    INSERT INTO analytics_state (merchant_id, timezone, refreshed_at) VALUES (${m}, ${tz}, now())
    ON CONFLICT (merchant_id) DO UPDATE SET timezone = excluded.timezone, refreshed_at = excluded.refreshed_at`.execute(tx);
}

/**
 * Throws away the merchant's rollups and marks every person and every day dirty; the chunks
 * that follow rebuild them. Dirty rows seen now are covered by the marks (made later, from
 * the committed raw rows), so they go.
 */
async function rebuild(tx: Tx, m: string, tz: string): Promise<void> {
  // A rebuild mostly follows a bulk load (a first install, an import, the demo data), when
  // the raw tables may never have been analysed: the probes below would be planned as scans.
  // Analysing takes a sample, and is skipped with a warning when we do not own the table.
  for (const table of RAW_TABLES) await sql`ANALYZE ${sql.table(table)}`.execute(tx);
  for (const table of ROLLUPS) await sql`DELETE FROM ${sql.table(table)} WHERE merchant_id = ${m}`.execute(tx);
  await sql`DELETE FROM analytics_dirty WHERE merchant_id = ${m}`.execute(tx);
  await sql`
    INSERT INTO analytics_dirty (merchant_id, scope, key)
    SELECT ${m}, 'person', 'm:' || member_id FROM members WHERE merchant_id = ${m} AND merged_into IS NULL
    UNION ALL
    SELECT ${m}, 'person', 'v:' || c.visitor_id FROM (SELECT DISTINCT visitor_id FROM clicks WHERE merchant_id = ${m}) c
     WHERE NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.merchant_id = ${m} AND i.kind = 'anonymous' AND i.value = c.visitor_id)
    UNION ALL
    SELECT ${m}, 'coupon_day', d::text FROM (SELECT DISTINCT (claimed_at AT TIME ZONE 'UTC')::date AS d FROM coupons WHERE merchant_id = ${m}) x
    UNION ALL
    SELECT ${m}, 'order_day', d::text FROM (SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date AS d FROM orders WHERE merchant_id = ${m}) x
    UNION ALL
    SELECT ${m}, 'visit_day', d::text FROM (SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date AS d FROM store_visits WHERE merchant_id = ${m}) x`.execute(tx);
  await touchState(tx, m, tz);
}

/** Recomputes the facts of the dirty persons and moves the person rollups by the difference. */
async function recomputePersons(tx: Tx, m: string, tz: string): Promise<{ persons: number; marked: number }> {
  // Who the dirty keys are now: a member key stands for itself (to drop the facts of a member
  // merged away) and for its survivor; a visitor key for itself and for the member owning it.
  await sql`
    INSERT INTO an_persons (person_key)
    SELECT key FROM an_taken WHERE scope = 'person'
    UNION
    SELECT 'm:' || mb.person
      FROM an_taken t
      CROSS JOIN LATERAL (
        SELECT coalesce(merged_into, member_id) AS person FROM members WHERE merchant_id = ${m} AND member_id = t.id) mb
     WHERE t.scope = 'person' AND left(t.key, 2) = 'm:'
    UNION
    SELECT 'm:' || mb.person
      FROM an_taken t
      CROSS JOIN LATERAL (
        SELECT coalesce(x.merged_into, x.member_id) AS person
          FROM member_identities i JOIN members x ON x.merchant_id = ${m} AND x.member_id = i.member_id
         WHERE i.merchant_id = ${m} AND i.kind = 'anonymous' AND i.value = t.id) mb
     WHERE t.scope = 'person' AND left(t.key, 2) = 'v:'`.execute(tx);

  await sql`ANALYZE an_persons`.execute(tx);
  await sql`
    INSERT INTO an_old
    SELECT f.* FROM an_persons t
     CROSS JOIN LATERAL (SELECT * FROM analytics_person_facts WHERE merchant_id = ${m} AND person_key = t.person_key) f`.execute(tx);

  // Every step starts from a small analysed temporary table and reaches the raw tables only
  // through LATERAL index probes per person, so that a plan never depends on the statistics of
  // the raw tables (young after a bulk load, they can make a join look like one row).
  await sql`
    INSERT INTO an_live (person, first_touch_click_id)
    SELECT mb.member_id, mb.first_touch_click_id
      FROM an_persons t
      CROSS JOIN LATERAL (
        SELECT member_id, first_touch_click_id FROM members
         WHERE merchant_id = ${m} AND member_id = t.id AND merged_into IS NULL) mb
     WHERE left(t.person_key, 2) = 'm:'`.execute(tx);
  await sql`ANALYZE an_live`.execute(tx);
  await sql`
    INSERT INTO an_pm (person, member_id)
    SELECT person, person FROM an_live
    UNION
    SELECT l.person, x.member_id
      FROM an_live l
      CROSS JOIN LATERAL (SELECT member_id FROM members WHERE merchant_id = ${m} AND merged_into = l.person) x`.execute(tx);
  await sql`ANALYZE an_pm`.execute(tx);

  const day = (column: string) => sql`(${sql.ref(column)} AT TIME ZONE ${tz})::date`;
  await sql`
    INSERT INTO an_new (merchant_id, person_key, is_member, ft_at, ft_channel, ft_link, ft_campaign, entry_day, first_claim_day,
                        first_visit_day, first_visit_store, first_purchase_day, first_purchase_store, second_purchase_day, active_weeks, active_months)
    SELECT ${m}, 'm:' || l.person, true, ft.occurred_at,
           coalesce(ft.channel_id, ''), coalesce(ft.link_id, ''), coalesce(ft.campaign, ''),
           CASE WHEN ft.occurred_at IS NOT NULL THEN ${day('ft.occurred_at')} ELSE least(cl.day, fv.day, fp.day) END,
           cl.day, fv.day, fv.store_id, fp.day, fp.store_id, sp.day,
           coalesce(ac.weeks, '{}'), coalesce(ac.months, '{}')
      FROM an_live l
      LEFT JOIN LATERAL (
        SELECT c.occurred_at, c.channel_id, c.link_id, coalesce(lk.campaign, '') AS campaign
          FROM clicks c LEFT JOIN links lk ON lk.merchant_id = ${m} AND lk.link_id = c.link_id
         WHERE c.merchant_id = ${m} AND c.click_id = l.first_touch_click_id LIMIT 1) ft ON true
      LEFT JOIN LATERAL (
        SELECT ${day('c.claimed_at')} AS day
          FROM an_pm x JOIN coupons c ON c.merchant_id = ${m} AND c.member_id = x.member_id
         WHERE x.person = l.person ORDER BY c.claimed_at LIMIT 1) cl ON true
      LEFT JOIN LATERAL (
        SELECT v.store_id, ${day('v.occurred_at')} AS day
          FROM an_pm x JOIN store_visits v ON v.merchant_id = ${m} AND v.member_id = x.member_id
         WHERE x.person = l.person ORDER BY v.occurred_at, v.visit_id LIMIT 1) fv ON true
      LEFT JOIN LATERAL (
        SELECT o.store_id, ${day('o.occurred_at')} AS day
          FROM an_pm x JOIN orders o ON o.merchant_id = ${m} AND o.member_id = x.member_id
         WHERE x.person = l.person AND o.status <> 'void' ORDER BY o.occurred_at, o.order_id LIMIT 1) fp ON true
      LEFT JOIN LATERAL (
        SELECT min(${day('o.occurred_at')}) AS day
          FROM an_pm x JOIN orders o ON o.merchant_id = ${m} AND o.member_id = x.member_id
         WHERE x.person = l.person AND o.status <> 'void' AND ${day('o.occurred_at')} > fp.day) sp ON true
      LEFT JOIN LATERAL (
        SELECT array_agg(DISTINCT ((date_trunc('week', a.d::timestamp)::date - date_trunc('week', fv.day::timestamp)::date) / 7)) AS weeks,
               array_agg(DISTINCT ((extract(year FROM a.d) * 12 + extract(month FROM a.d)) - (extract(year FROM fv.day) * 12 + extract(month FROM fv.day)))::int) AS months
          FROM (
            SELECT ${day('v.occurred_at')} AS d FROM an_pm x JOIN store_visits v ON v.merchant_id = ${m} AND v.member_id = x.member_id
             WHERE x.person = l.person
            UNION ALL
            SELECT ${day('o.occurred_at')} FROM an_pm x JOIN orders o ON o.merchant_id = ${m} AND o.member_id = x.member_id
             WHERE x.person = l.person AND o.status <> 'void'
          ) a
         WHERE a.d >= fv.day) ac ON fv.day IS NOT NULL`.execute(tx);

  // A visitor id no member owns is a person of its own, entering on its first click.
  await sql`
    INSERT INTO an_new (merchant_id, person_key, is_member, ft_at, ft_channel, ft_link, ft_campaign, entry_day)
    SELECT ${m}, t.person_key, false, c.occurred_at, c.channel_id, c.link_id, coalesce(l.campaign, ''), (c.occurred_at AT TIME ZONE ${tz})::date
      FROM an_persons t
      CROSS JOIN LATERAL (
        SELECT link_id, channel_id, occurred_at FROM clicks
         WHERE merchant_id = ${m} AND visitor_id = t.id
         ORDER BY occurred_at, click_id LIMIT 1) c
      LEFT JOIN links l ON l.merchant_id = ${m} AND l.link_id = c.link_id
     WHERE left(t.person_key, 2) = 'v:'
       AND NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.merchant_id = ${m} AND i.kind = 'anonymous' AND i.value = t.id)`.execute(tx);

  await sql`ANALYZE an_old`.execute(tx);
  await sql`ANALYZE an_new`.execute(tx);
  await applyPersonDeltas(tx, m);

  // Only what the day rollups read of a person: the first touch (orders by first touch) and
  // the first visit (returning visits); and a person appearing or merged away.
  await sql`
    INSERT INTO an_changed (person_key)
    SELECT coalesce(o.person_key, n.person_key)
      FROM an_old o FULL JOIN an_new n ON n.person_key = o.person_key
     WHERE o.person_key IS NULL OR n.person_key IS NULL
        OR (o.ft_channel, o.ft_link, o.ft_campaign, o.first_visit_day) IS DISTINCT FROM (n.ft_channel, n.ft_link, n.ft_campaign, n.first_visit_day)`.execute(tx);
  await sql`ANALYZE an_changed`.execute(tx);
  await sql`DELETE FROM analytics_person_facts f USING an_persons t WHERE f.merchant_id = ${m} AND f.person_key = t.person_key`.execute(tx);
  await sql`INSERT INTO analytics_person_facts SELECT * FROM an_new`.execute(tx);

  // Orders by first touch and distinct visits (who is the same person, whose visit returns)
  // depend on the person: the days of a person whose first touch or first visit changed, or of
  // a member merged away, are marked dirty (as local days) for the next chunk — so that a
  // rebuild, where every person is new, recomputes each day once at the end, not per chunk.
  const marked = await sql`
    WITH ids AS (
      SELECT c.id AS member_id FROM an_changed c WHERE left(c.person_key, 2) = 'm:'
      UNION
      SELECT x.member_id FROM an_changed c
       CROSS JOIN LATERAL (SELECT member_id FROM members WHERE merchant_id = ${m} AND merged_into = c.id) x
       WHERE left(c.person_key, 2) = 'm:'
      UNION
      SELECT x.member_id FROM an_persons t
       CROSS JOIN LATERAL (
         SELECT member_id FROM members WHERE merchant_id = ${m} AND member_id = t.id AND merged_into IS NOT NULL) x
       WHERE left(t.person_key, 2) = 'm:'
    )
    INSERT INTO analytics_dirty (merchant_id, scope, key)
    SELECT ${m}, x.scope, x.day::text FROM (
      SELECT 'order_local_day' AS scope, (o.occurred_at AT TIME ZONE ${tz})::date AS day
        FROM ids CROSS JOIN LATERAL (SELECT occurred_at FROM orders WHERE merchant_id = ${m} AND member_id = ids.member_id) o
      UNION
      SELECT 'visit_local_day', (v.occurred_at AT TIME ZONE ${tz})::date
        FROM ids CROSS JOIN LATERAL (SELECT occurred_at FROM store_visits WHERE merchant_id = ${m} AND member_id = ids.member_id) v
    ) x`.execute(tx);

  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM an_persons`.execute(tx);
  const persons = rows[0]?.n ?? 0;
  // A driver that does not report affected rows: assume some were marked (one more chunk).
  return { persons, marked: marked.numAffectedRows === undefined ? persons : Number(marked.numAffectedRows) };
}

/** Person rollups: minus each person's previous facts, plus the new ones (only non-zero changes are written). */
async function applyPersonDeltas(tx: Tx, m: string): Promise<void> {
  const both = sql`(SELECT *, -1 AS sign FROM an_old UNION ALL SELECT *, 1 AS sign FROM an_new)`;
  await sql`
    INSERT INTO analytics_entry AS r (merchant_id, entry_day, ft_channel, ft_link, ft_campaign, is_member, claimed, visited, purchased, repeated, n)
    SELECT ${m}, entry_day, ft_channel, ft_link, ft_campaign, is_member,
           first_claim_day IS NOT NULL, first_visit_day IS NOT NULL, first_purchase_day IS NOT NULL, second_purchase_day IS NOT NULL, sum(sign)
      FROM ${both} f
     WHERE entry_day IS NOT NULL
     GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(sign) <> 0
    ON CONFLICT (merchant_id, entry_day, ft_channel, ft_link, ft_campaign, is_member, claimed, visited, purchased, repeated)
    DO UPDATE SET n = r.n + excluded.n`.execute(tx);
  await sql`
    INSERT INTO analytics_repeat AS r (merchant_id, first_day, ft_channel, first_store, lag, n)
    SELECT ${m}, first_purchase_day, ft_channel, first_purchase_store, coalesce(second_purchase_day - first_purchase_day, -1), sum(sign)
      FROM ${both} f
     WHERE first_purchase_day IS NOT NULL
     GROUP BY 2, 3, 4, 5
    HAVING sum(sign) <> 0
    ON CONFLICT (merchant_id, first_day, ft_channel, first_store, lag) DO UPDATE SET n = r.n + excluded.n`.execute(tx);
  await sql`
    INSERT INTO analytics_first_visit AS r (merchant_id, day, store_id, n)
    SELECT ${m}, first_visit_day, first_visit_store, sum(sign)
      FROM ${both} f
     WHERE first_visit_day IS NOT NULL
     GROUP BY 2, 3
    HAVING sum(sign) <> 0
    ON CONFLICT (merchant_id, day, store_id) DO UPDATE SET n = r.n + excluded.n`.execute(tx);
  await sql`
    INSERT INTO analytics_retention AS r (merchant_id, unit, cohort, ft_channel, "offset", n)
    SELECT ${m}, u.unit, u.cohort, f.ft_channel, u.k, sum(f.sign)
      FROM ${both} f
      CROSS JOIN LATERAL (
        SELECT 'week' AS unit, date_trunc('week', f.first_visit_day::timestamp)::date AS cohort, k FROM unnest(f.active_weeks) AS k
        UNION ALL
        SELECT 'month', date_trunc('month', f.first_visit_day::timestamp)::date, k FROM unnest(f.active_months) AS k
      ) u
     WHERE f.first_visit_day IS NOT NULL
     GROUP BY 2, 3, 4, 5
    HAVING sum(f.sign) <> 0
    ON CONFLICT (merchant_id, unit, cohort, ft_channel, "offset") DO UPDATE SET n = r.n + excluded.n`.execute(tx);
}

/** Day rollups: every dirty local day recomputed from that day's raw rows. */
async function recomputeDays(tx: Tx, m: string, tz: string): Promise<number> {
  // A dirty key is a UTC date; in the merchant's zone it covers at most two local days.
  await sql`
    INSERT INTO an_days (kind, day)
    SELECT DISTINCT replace(t.scope, '_day', ''), x.day
      FROM an_taken t
      CROSS JOIN LATERAL (
        SELECT ((t.key::date::timestamp AT TIME ZONE 'UTC') AT TIME ZONE ${tz})::date
        UNION ALL
        SELECT ((((t.key::date + 1)::timestamp AT TIME ZONE 'UTC') - interval '1 microsecond') AT TIME ZONE ${tz})::date
      ) AS x(day)
     WHERE t.scope IN ('coupon_day', 'order_day', 'visit_day')
    UNION
    SELECT replace(t.scope, '_local_day', ''), t.key::date FROM an_taken t WHERE t.scope IN ('order_local_day', 'visit_local_day')
    ON CONFLICT DO NOTHING`.execute(tx);
  // The bounds are stored, not computed in the join: under row-level security only leakproof
  // conditions reach an index, and time zone arithmetic is not leakproof.
  await sql`UPDATE an_days SET starts_at = day::timestamp AT TIME ZONE ${tz}, ends_at = (day + 1)::timestamp AT TIME ZONE ${tz}`.execute(tx);
  await sql`ANALYZE an_days`.execute(tx);
  const span = (column: string) => sql`${sql.ref(column)} >= d.starts_at AND ${sql.ref(column)} < d.ends_at`;

  await sql`DELETE FROM analytics_coupons_day r USING an_days d WHERE r.merchant_id = ${m} AND d.kind = 'coupon' AND r.day = d.day`.execute(tx);
  await sql`
    INSERT INTO analytics_coupons_day (merchant_id, day, offer_id, channel_id, link_id, campaign, store_id, lag, n)
    SELECT ${m}, d.day, c.offer_id, coalesce(c.channel_id, ''), coalesce(c.link_id, ''), coalesce(l.campaign, ''),
           coalesce(r.store_id, CASE WHEN cardinality(c.store_ids) = 1 THEN c.store_ids[1] ELSE '' END),
           CASE WHEN c.redeemed_at IS NULL THEN -1 ELSE (c.redeemed_at AT TIME ZONE ${tz})::date - d.day END,
           count(*)
      FROM an_days d
      JOIN coupons c ON c.merchant_id = ${m} AND ${span('c.claimed_at')}
      LEFT JOIN redemptions r ON r.merchant_id = ${m} AND r.redemption_id = c.redemption_id
      LEFT JOIN links l ON l.merchant_id = ${m} AND l.link_id = c.link_id
     WHERE d.kind = 'coupon'
     GROUP BY 2, 3, 4, 5, 6, 7, 8`.execute(tx);
  // The narrow rollups are the wide ones summed over channel × link × campaign (migration 0010).
  await sql`DELETE FROM analytics_claims_day r USING an_days d WHERE r.merchant_id = ${m} AND d.kind = 'coupon' AND r.day = d.day`.execute(tx);
  await sql`
    INSERT INTO analytics_claims_day (merchant_id, day, offer_id, lag, n)
    SELECT ${m}, r.day, r.offer_id, r.lag, sum(r.n)
      FROM an_days d JOIN analytics_coupons_day r ON r.merchant_id = ${m} AND r.day = d.day
     WHERE d.kind = 'coupon'
     GROUP BY 2, 3, 4`.execute(tx);

  await sql`DELETE FROM analytics_orders_day r USING an_days d WHERE r.merchant_id = ${m} AND d.kind = 'order' AND r.day = d.day`.execute(tx);
  await sql`DELETE FROM analytics_orders_ft_day r USING an_days d WHERE r.merchant_id = ${m} AND d.kind = 'order' AND r.day = d.day`.execute(tx);
  await sql`
    INSERT INTO analytics_orders_day (merchant_id, day, store_id, payment_method, channel_id, link_id, campaign, orders, gross_cents, refunded_cents)
    SELECT ${m}, d.day, o.store_id, o.payment_method, coalesce(o.channel_id, ''), coalesce(o.link_id, ''), coalesce(l.campaign, ''),
           count(*), sum(o.total_cents)::bigint, sum(o.refunded_cents)::bigint
      FROM an_days d
      JOIN orders o ON o.merchant_id = ${m} AND ${span('o.occurred_at')}
      LEFT JOIN links l ON l.merchant_id = ${m} AND l.link_id = o.link_id
     WHERE d.kind = 'order' AND o.status <> 'void'
     GROUP BY 2, 3, 4, 5, 6, 7`.execute(tx);
  await sql`DELETE FROM analytics_payments_day r USING an_days d WHERE r.merchant_id = ${m} AND d.kind = 'order' AND r.day = d.day`.execute(tx);
  await sql`
    INSERT INTO analytics_payments_day (merchant_id, day, store_id, payment_method, orders, gross_cents, refunded_cents)
    SELECT ${m}, r.day, r.store_id, r.payment_method, sum(r.orders), sum(r.gross_cents), sum(r.refunded_cents)
      FROM an_days d JOIN analytics_orders_day r ON r.merchant_id = ${m} AND r.day = d.day
     WHERE d.kind = 'order'
     GROUP BY 2, 3, 4`.execute(tx);
  await sql`
    INSERT INTO analytics_orders_ft_day (merchant_id, day, ft_channel, ft_link, ft_campaign, orders, net_cents)
    SELECT ${m}, d.day, coalesce(f.ft_channel, ''), coalesce(f.ft_link, ''), coalesce(f.ft_campaign, ''),
           count(*), sum(o.total_cents - o.refunded_cents)::bigint
      FROM an_days d
      JOIN orders o ON o.merchant_id = ${m} AND ${span('o.occurred_at')}
      LEFT JOIN members mb ON mb.merchant_id = ${m} AND mb.member_id = o.member_id
      LEFT JOIN analytics_person_facts f ON f.merchant_id = ${m} AND f.person_key = 'm:' || coalesce(mb.merged_into, mb.member_id)
     WHERE d.kind = 'order' AND o.status <> 'void'
     GROUP BY 2, 3, 4, 5`.execute(tx);

  await sql`DELETE FROM analytics_visits_day r USING an_days d WHERE r.merchant_id = ${m} AND d.kind = 'visit' AND r.day = d.day`.execute(tx);
  await sql`
    INSERT INTO analytics_visits_day (merchant_id, day, store_id, visits, returning_visits)
    SELECT ${m}, v.day, v.store_id, count(*), count(*) FILTER (WHERE f.first_visit_day < v.day)
      FROM (
        SELECT DISTINCT d.day, sv.store_id,
               CASE WHEN sv.member_id IS NULL THEN 's:' || sv.visit_id ELSE 'm:' || coalesce(mb.merged_into, mb.member_id) END AS person
          FROM an_days d
          JOIN store_visits sv ON sv.merchant_id = ${m} AND ${span('sv.occurred_at')}
          LEFT JOIN members mb ON mb.merchant_id = ${m} AND mb.member_id = sv.member_id
         WHERE d.kind = 'visit'
      ) v
      LEFT JOIN analytics_person_facts f ON f.merchant_id = ${m} AND f.person_key = v.person
     GROUP BY v.day, v.store_id`.execute(tx);

  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM an_days`.execute(tx);
  return rows[0]?.n ?? 0;
}
