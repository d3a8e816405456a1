import { sql, type Kysely } from 'kysely';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Taps (channels, their costs, short links, clicks), members with their identities and merges,
 * and Segment-style events. Landed migrations are never edited.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE channels (
      merchant_id text NOT NULL REFERENCES merchants (merchant_id),
      channel_id text NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      kind text NOT NULL CHECK (kind IN ('marketplace', 'social', 'search', 'forum', 'offline_print', 'ad', 'referral', 'other')),
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, channel_id),
      UNIQUE (merchant_id, name)
    );

    -- What a channel cost over a period (inclusive dates, merchant's time zone), for ROI.
    CREATE TABLE channel_costs (
      merchant_id text NOT NULL,
      cost_id text NOT NULL,
      channel_id text NOT NULL,
      amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      starts_on date NOT NULL,
      ends_on date NOT NULL,
      note text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, cost_id),
      FOREIGN KEY (merchant_id, channel_id) REFERENCES channels (merchant_id, channel_id),
      CHECK (ends_on >= starts_on)
    );
    CREATE INDEX channel_costs_channel ON channel_costs (merchant_id, channel_id, starts_on);

    CREATE TABLE links (
      merchant_id text NOT NULL,
      link_id text NOT NULL,
      slug text NOT NULL CHECK (slug ~ '^[A-Za-z0-9_-]{3,64}$'),
      channel_id text NOT NULL,
      campaign text,
      destination text NOT NULL,
      expires_at timestamptz,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, link_id),
      UNIQUE (merchant_id, slug),
      FOREIGN KEY (merchant_id, channel_id) REFERENCES channels (merchant_id, channel_id)
    );

    -- A short URL /l/{slug} names no merchant, so the redirect finds it here first. Like logins,
    -- this directory is cross-tenant (a reference table on Citus) and holds no personal data.
    CREATE TABLE link_slugs (
      slug text PRIMARY KEY,
      merchant_id text NOT NULL,
      link_id text NOT NULL
    );

    -- Written in batches off the request path. No raw IP: a per-merchant salted hash.
    CREATE TABLE clicks (
      merchant_id text NOT NULL,
      click_id text NOT NULL,
      link_id text NOT NULL,
      channel_id text NOT NULL,
      visitor_id text NOT NULL,
      occurred_at timestamptz NOT NULL,
      is_scan boolean NOT NULL,
      referrer text,
      ip_hash text,
      ua_family text,
      country text,
      region text,
      PRIMARY KEY (merchant_id, click_id)
    );
    CREATE INDEX clicks_visitor ON clicks (merchant_id, visitor_id, occurred_at);
    CREATE INDEX clicks_link ON clicks (merchant_id, link_id, occurred_at);

    -- One row per person per merchant. A member merged into another keeps its row with
    -- merged_into set, so old ids still resolve; everything else moves to the survivor.
    CREATE TABLE members (
      merchant_id text NOT NULL REFERENCES merchants (merchant_id),
      member_id text NOT NULL,
      merged_into text,
      name text,
      traits jsonb NOT NULL DEFAULT '{}',
      tags text[] NOT NULL DEFAULT '{}',
      consent jsonb NOT NULL DEFAULT '{}',
      first_touch_click_id text,
      first_touch_at timestamptz,
      last_touch_click_id text,
      last_touch_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, member_id)
    );
    CREATE INDEX members_live ON members (merchant_id, created_at) WHERE merged_into IS NULL;

    -- Every identity seen for a person. kind: anonymous (the rsv_vid visitor cookie and Segment
    -- anonymousId), user (Segment userId), phone (E.164), email (lower case), external
    -- (namespace:value, e.g. pos:123, taobao:nick, wechat:openid).
    CREATE TABLE member_identities (
      merchant_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('anonymous', 'user', 'phone', 'email', 'external')),
      value text NOT NULL CHECK (length(value) BETWEEN 1 AND 300),
      member_id text NOT NULL,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, kind, value),
      FOREIGN KEY (merchant_id, member_id) REFERENCES members (merchant_id, member_id)
    );
    CREATE INDEX member_identities_member ON member_identities (merchant_id, member_id);

    CREATE TABLE member_merges (
      merchant_id text NOT NULL,
      merge_id text NOT NULL,
      survivor_id text NOT NULL,
      merged_id text NOT NULL,
      reason text NOT NULL,
      actor text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, merge_id)
    );
    CREATE INDEX member_merges_survivor ON member_merges (merchant_id, survivor_id);

    -- Segment-compatible events, deduplicated by messageId per merchant.
    CREATE TABLE events (
      merchant_id text NOT NULL,
      event_id text NOT NULL,
      message_id text NOT NULL,
      type text NOT NULL CHECK (type IN ('track', 'identify', 'page', 'screen', 'alias', 'group')),
      name text,
      user_id text,
      anonymous_id text,
      member_id text,
      properties jsonb NOT NULL DEFAULT '{}',
      traits jsonb NOT NULL DEFAULT '{}',
      context jsonb NOT NULL DEFAULT '{}',
      occurred_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, event_id),
      UNIQUE (merchant_id, message_id)
    );
    CREATE INDEX events_member ON events (merchant_id, member_id, occurred_at);

    ALTER TABLE merchants ADD COLUMN ip_salt text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text);
  `.execute(db);

  for (const table of ['channels', 'channel_costs', 'links', 'clicks', 'members', 'member_identities', 'member_merges', 'events']) {
    await enableTenantIsolation(db, table);
  }
}
