import { sql, type Kysely } from 'kysely';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Answers (issue 5): rollups that the seven questions read, kept up to date from dirty keys that
 * statement-level triggers write next to every change of the raw tables (docs/metrics.md,
 * "How answers stay fast"). Landed migrations are never edited.
 *
 * Empty strings, not NULL, stand for "none" (direct, no campaign, any store) in rollup keys, so
 * that ON CONFLICT finds the row (NULLs are never equal in a key).
 *
 * Citus: create_distributed_table('analytics_state' | 'analytics_dirty' | 'analytics_person_facts' |
 * 'analytics_entry' | 'analytics_repeat' | 'analytics_first_visit' | 'analytics_retention' |
 * 'analytics_coupons_day' | 'analytics_orders_day' | 'analytics_orders_ft_day' |
 * 'analytics_visits_day', 'merchant_id', colocate_with => 'merchants').
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One row per merchant once its rollups exist: the time zone they were built in (a change
    -- rebuilds them) and when they were last brought up to date.
    CREATE TABLE analytics_state (
      merchant_id text PRIMARY KEY,
      timezone text NOT NULL,
      refreshed_at timestamptz NOT NULL
    );

    -- What changed since the last refresh. Writers only ever insert plain rows (never ON CONFLICT
    -- against rows a refresher may be deleting); a refresher deletes exactly the rows it takes and
    -- recomputes in the same READ COMMITTED transaction.
    -- scope 'person' (key 'm:<member id>' or 'v:<visitor id>'), 'coupon_day' | 'order_day' |
    -- 'visit_day' (key: the UTC date of the row's time, which touches at most two local days),
    -- 'rebuild' (key ''): recompute everything of the merchant.
    CREATE TABLE analytics_dirty (
      merchant_id text NOT NULL,
      id bigserial NOT NULL,
      scope text NOT NULL,
      key text NOT NULL,
      PRIMARY KEY (merchant_id, id)
    );

    -- One row per person (surviving member, or a visitor id no member owns): what the person
    -- rollups below count. Its previous version is what a recomputation subtracts.
    CREATE TABLE analytics_person_facts (
      merchant_id text NOT NULL,
      person_key text NOT NULL,
      is_member boolean NOT NULL,
      ft_at timestamptz,
      ft_channel text NOT NULL,
      ft_link text NOT NULL,
      ft_campaign text NOT NULL,
      entry_day date,
      first_claim_day date,
      first_visit_day date,
      first_visit_store text,
      first_purchase_day date,
      first_purchase_store text,
      second_purchase_day date,
      active_weeks integer[] NOT NULL DEFAULT '{}',
      active_months integer[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (merchant_id, person_key)
    );

    -- Person rollups, kept by deltas. n may reach 0 and stay: readers sum.
    CREATE TABLE analytics_entry (
      merchant_id text NOT NULL,
      entry_day date NOT NULL,
      ft_channel text NOT NULL,
      ft_link text NOT NULL,
      ft_campaign text NOT NULL,
      is_member boolean NOT NULL,
      claimed boolean NOT NULL,
      visited boolean NOT NULL,
      purchased boolean NOT NULL,
      repeated boolean NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (merchant_id, entry_day, ft_channel, ft_link, ft_campaign, is_member, claimed, visited, purchased, repeated)
    );
    CREATE TABLE analytics_repeat (
      merchant_id text NOT NULL,
      first_day date NOT NULL,
      ft_channel text NOT NULL,
      first_store text NOT NULL,
      -- Local days from the first to the second purchase day; -1: no second one yet.
      lag integer NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (merchant_id, first_day, ft_channel, first_store, lag)
    );
    CREATE TABLE analytics_first_visit (
      merchant_id text NOT NULL,
      day date NOT NULL,
      store_id text NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (merchant_id, day, store_id)
    );
    CREATE TABLE analytics_retention (
      merchant_id text NOT NULL,
      unit text NOT NULL CHECK (unit IN ('week', 'month')),
      cohort date NOT NULL,
      ft_channel text NOT NULL,
      "offset" integer NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (merchant_id, unit, cohort, ft_channel, "offset")
    );

    -- Day rollups, recomputed from the raw rows of each dirty local day.
    CREATE TABLE analytics_coupons_day (
      merchant_id text NOT NULL,
      day date NOT NULL,
      offer_id text NOT NULL,
      channel_id text NOT NULL,
      link_id text NOT NULL,
      campaign text NOT NULL,
      store_id text NOT NULL,
      -- Local days from claim to redemption; -1: not redeemed.
      lag integer NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (merchant_id, day, offer_id, channel_id, link_id, campaign, store_id, lag)
    );
    CREATE TABLE analytics_orders_day (
      merchant_id text NOT NULL,
      day date NOT NULL,
      store_id text NOT NULL,
      payment_method text NOT NULL,
      channel_id text NOT NULL,
      link_id text NOT NULL,
      campaign text NOT NULL,
      orders bigint NOT NULL,
      gross_cents bigint NOT NULL,
      refunded_cents bigint NOT NULL,
      PRIMARY KEY (merchant_id, day, store_id, payment_method, channel_id, link_id, campaign)
    );
    -- Orders by the buyer's current first touch (changes when a late click or a merge moves it).
    CREATE TABLE analytics_orders_ft_day (
      merchant_id text NOT NULL,
      day date NOT NULL,
      ft_channel text NOT NULL,
      ft_link text NOT NULL,
      ft_campaign text NOT NULL,
      orders bigint NOT NULL,
      net_cents bigint NOT NULL,
      PRIMARY KEY (merchant_id, day, ft_channel, ft_link, ft_campaign)
    );
    CREATE TABLE analytics_visits_day (
      merchant_id text NOT NULL,
      day date NOT NULL,
      store_id text NOT NULL,
      visits bigint NOT NULL,
      returning_visits bigint NOT NULL,
      PRIMARY KEY (merchant_id, day, store_id)
    );

    -- What a refresh reads by time or by survivor.
    CREATE INDEX coupons_claimed ON coupons (merchant_id, claimed_at);
    CREATE INDEX store_visits_occurred ON store_visits (merchant_id, occurred_at);
    CREATE INDEX members_merged_into ON members (merchant_id, merged_into) WHERE merged_into IS NOT NULL;

    CREATE FUNCTION analytics_mark_clicks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO analytics_dirty (merchant_id, scope, key)
        SELECT DISTINCT merchant_id, 'person', 'v:' || visitor_id FROM new_rows;
      RETURN NULL;
    END $$;

    CREATE FUNCTION analytics_mark_coupons() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO analytics_dirty (merchant_id, scope, key)
        SELECT DISTINCT merchant_id, 'person', 'm:' || member_id FROM new_rows
        UNION SELECT DISTINCT merchant_id, 'coupon_day', (claimed_at AT TIME ZONE 'UTC')::date::text FROM new_rows;
      RETURN NULL;
    END $$;

    CREATE FUNCTION analytics_mark_orders() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        INSERT INTO analytics_dirty (merchant_id, scope, key)
          SELECT merchant_id, 'person', 'm:' || member_id FROM old_rows WHERE member_id IS NOT NULL
          UNION SELECT merchant_id, 'order_day', (occurred_at AT TIME ZONE 'UTC')::date::text FROM old_rows;
      END IF;
      INSERT INTO analytics_dirty (merchant_id, scope, key)
        SELECT merchant_id, 'person', 'm:' || member_id FROM new_rows WHERE member_id IS NOT NULL
        UNION SELECT merchant_id, 'order_day', (occurred_at AT TIME ZONE 'UTC')::date::text FROM new_rows;
      RETURN NULL;
    END $$;

    CREATE FUNCTION analytics_mark_store_visits() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        INSERT INTO analytics_dirty (merchant_id, scope, key)
          SELECT merchant_id, 'person', 'm:' || member_id FROM old_rows WHERE member_id IS NOT NULL
          UNION SELECT merchant_id, 'visit_day', (occurred_at AT TIME ZONE 'UTC')::date::text FROM old_rows;
      ELSE
        INSERT INTO analytics_dirty (merchant_id, scope, key)
          SELECT merchant_id, 'person', 'm:' || member_id FROM new_rows WHERE member_id IS NOT NULL
          UNION SELECT merchant_id, 'visit_day', (occurred_at AT TIME ZONE 'UTC')::date::text FROM new_rows;
      END IF;
      RETURN NULL;
    END $$;

    -- An identity joining or moving (a merge) changes who a visitor id or member belongs to.
    CREATE FUNCTION analytics_mark_identities() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        INSERT INTO analytics_dirty (merchant_id, scope, key)
          SELECT DISTINCT merchant_id, 'person', 'm:' || member_id FROM old_rows;
      END IF;
      INSERT INTO analytics_dirty (merchant_id, scope, key)
        SELECT merchant_id, 'person', 'm:' || member_id FROM new_rows
        UNION SELECT merchant_id, 'person', 'v:' || value FROM new_rows WHERE kind = 'anonymous';
      RETURN NULL;
    END $$;

    -- Only a merge or a moved first touch matters; last-touch updates on every click do not.
    CREATE FUNCTION analytics_mark_members() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO analytics_dirty (merchant_id, scope, key)
        SELECT n.merchant_id, 'person', 'm:' || n.member_id
          FROM new_rows n JOIN old_rows o ON o.merchant_id = n.merchant_id AND o.member_id = n.member_id
         WHERE n.merged_into IS DISTINCT FROM o.merged_into OR n.first_touch_click_id IS DISTINCT FROM o.first_touch_click_id
        UNION
        SELECT n.merchant_id, 'person', 'm:' || n.merged_into
          FROM new_rows n JOIN old_rows o ON o.merchant_id = n.merchant_id AND o.member_id = n.member_id
         WHERE n.merged_into IS DISTINCT FROM o.merged_into AND n.merged_into IS NOT NULL;
      RETURN NULL;
    END $$;

    -- A link moved to another channel or campaign changes rows of every day: rebuild.
    CREATE FUNCTION analytics_mark_links() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO analytics_dirty (merchant_id, scope, key)
        SELECT DISTINCT n.merchant_id, 'rebuild', ''
          FROM new_rows n JOIN old_rows o ON o.merchant_id = n.merchant_id AND o.link_id = n.link_id
         WHERE n.campaign IS DISTINCT FROM o.campaign OR n.channel_id IS DISTINCT FROM o.channel_id;
      RETURN NULL;
    END $$;

    -- Transition tables allow one event per trigger, hence a trigger per event.
    CREATE TRIGGER analytics_clicks_insert AFTER INSERT ON clicks REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_clicks();
    CREATE TRIGGER analytics_coupons_insert AFTER INSERT ON coupons REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_coupons();
    CREATE TRIGGER analytics_coupons_update AFTER UPDATE ON coupons REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_coupons();
    CREATE TRIGGER analytics_orders_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_orders();
    CREATE TRIGGER analytics_orders_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_orders();
    CREATE TRIGGER analytics_store_visits_insert AFTER INSERT ON store_visits REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_store_visits();
    CREATE TRIGGER analytics_store_visits_delete AFTER DELETE ON store_visits REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_store_visits();
    CREATE TRIGGER analytics_identities_insert AFTER INSERT ON member_identities REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_identities();
    CREATE TRIGGER analytics_identities_update AFTER UPDATE ON member_identities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_identities();
    CREATE TRIGGER analytics_members_update AFTER UPDATE ON members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_members();
    CREATE TRIGGER analytics_links_update AFTER UPDATE ON links REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_links();
  `.execute(db);

  // Rows that exist before this migration are counted by the first refresh of each merchant:
  // with no analytics_state row yet, it marks every person and day of the merchant dirty.
  for (const table of [
    'analytics_state',
    'analytics_dirty',
    'analytics_person_facts',
    'analytics_entry',
    'analytics_repeat',
    'analytics_first_visit',
    'analytics_retention',
    'analytics_coupons_day',
    'analytics_orders_day',
    'analytics_orders_ft_day',
    'analytics_visits_day',
  ]) {
    await enableTenantIsolation(db, table);
  }
}
