import { sql, type Kysely } from 'kysely';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Offers, their booking slots, claimed coupons, redemptions at the counter, and one-time codes
 * sent to customers' phones. Landed migrations are never edited.
 *
 * Citus: create_distributed_table('offers' | 'offer_slots' | 'coupons' | 'redemptions' |
 * 'otp_codes', 'merchant_id', colocate_with => 'merchants').
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- claimed and committed_cents are the counters a claim moves with one conditional UPDATE
    -- (claimed < total_quantity, committed + value <= budget): the row is the point of
    -- contention, and the CHECKs are the backstop if any code path forgot the condition.
    -- Validity dates are kept as the owner typed them ('YYYY-MM-DD', the merchant's calendar);
    -- a claim turns them into instants on the coupon.
    CREATE TABLE offers (
      merchant_id text NOT NULL REFERENCES merchants (merchant_id),
      offer_id text NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '',
      kind text NOT NULL CHECK (kind IN ('amount_off', 'percent_off', 'free_item', 'booking')),
      amount_off_cents bigint CHECK (amount_off_cents > 0),
      percent_off integer CHECK (percent_off BETWEEN 1 AND 100),
      max_discount_cents bigint CHECK (max_discount_cents > 0),
      free_item text CHECK (length(free_item) BETWEEN 1 AND 200),
      item_value_cents bigint CHECK (item_value_cents >= 0),
      min_spend_cents bigint CHECK (min_spend_cents >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      store_ids text[] NOT NULL DEFAULT '{}',
      valid_from_date text CHECK (valid_from_date ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      valid_until_date text CHECK (valid_until_date ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      valid_days integer CHECK (valid_days BETWEEN 1 AND 3650),
      per_person_limit integer NOT NULL DEFAULT 1 CHECK (per_person_limit >= 1),
      total_quantity integer CHECK (total_quantity >= 0),
      budget_cents bigint CHECK (budget_cents >= 0),
      state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'live', 'paused', 'ended')),
      claimed integer NOT NULL DEFAULT 0 CHECK (claimed >= 0),
      committed_cents bigint NOT NULL DEFAULT 0 CHECK (committed_cents >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, offer_id),
      CHECK (total_quantity IS NULL OR claimed <= total_quantity),
      CHECK (budget_cents IS NULL OR committed_cents <= budget_cents)
    );
    CREATE INDEX offers_state ON offers (merchant_id, state, offer_id);

    -- Appointment vouchers: each slot is a time at one store with a number of places.
    CREATE TABLE offer_slots (
      merchant_id text NOT NULL,
      slot_id text NOT NULL,
      offer_id text NOT NULL,
      store_id text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      capacity integer NOT NULL CHECK (capacity >= 1),
      booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, slot_id),
      FOREIGN KEY (merchant_id, offer_id) REFERENCES offers (merchant_id, offer_id),
      FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, store_id),
      CHECK (ends_at > starts_at),
      CHECK (booked <= capacity)
    );
    CREATE INDEX offer_slots_offer ON offer_slots (merchant_id, offer_id, starts_at);

    -- A coupon keeps a copy of the terms it was claimed under (editing the offer later never
    -- changes it), its own validity instants and stores, and the tap it is attributed to.
    -- code is the canonical form (no dashes) and unique per merchant: the counter looks it up
    -- within the caller's merchant only.
    CREATE TABLE coupons (
      merchant_id text NOT NULL,
      coupon_id text NOT NULL,
      offer_id text NOT NULL,
      member_id text NOT NULL,
      code text NOT NULL CHECK (code ~ '^[0-9A-Z*~$=]{12}$'),
      terms jsonb NOT NULL,
      store_ids text[] NOT NULL DEFAULT '{}',
      valid_from timestamptz NOT NULL,
      valid_until timestamptz NOT NULL,
      value_cents bigint,
      slot_id text,
      visitor_id text,
      click_id text,
      link_id text,
      channel_id text,
      claimed_at timestamptz NOT NULL,
      redeemed_at timestamptz,
      redemption_id text,
      PRIMARY KEY (merchant_id, coupon_id),
      UNIQUE (merchant_id, code),
      FOREIGN KEY (merchant_id, offer_id) REFERENCES offers (merchant_id, offer_id),
      FOREIGN KEY (merchant_id, member_id) REFERENCES members (merchant_id, member_id),
      FOREIGN KEY (merchant_id, slot_id) REFERENCES offer_slots (merchant_id, slot_id),
      CHECK (valid_until > valid_from),
      CHECK ((redeemed_at IS NULL) = (redemption_id IS NULL))
    );
    CREATE INDEX coupons_offer_member ON coupons (merchant_id, offer_id, member_id);
    CREATE INDEX coupons_member ON coupons (merchant_id, member_id, claimed_at);

    -- One row per confirmation at a till; an undo is recorded on the row, never deleted.
    -- request_id makes a till's retry return the first answer. At most one live (not undone)
    -- redemption per coupon: the partial unique index is the backstop of single use.
    CREATE TABLE redemptions (
      merchant_id text NOT NULL,
      redemption_id text NOT NULL,
      coupon_id text NOT NULL,
      offer_id text NOT NULL,
      member_id text NOT NULL,
      store_id text NOT NULL,
      request_id text NOT NULL,
      amount_cents bigint CHECK (amount_cents >= 0),
      staff_id text,
      key_id text,
      redeemed_at timestamptz NOT NULL,
      undone_at timestamptz,
      undone_by_staff_id text,
      undone_by_key_id text,
      PRIMARY KEY (merchant_id, redemption_id),
      UNIQUE (merchant_id, request_id),
      FOREIGN KEY (merchant_id, coupon_id) REFERENCES coupons (merchant_id, coupon_id),
      FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, store_id)
    );
    CREATE UNIQUE INDEX redemptions_one_live ON redemptions (merchant_id, coupon_id) WHERE undone_at IS NULL;
    CREATE INDEX redemptions_store ON redemptions (merchant_id, store_id, redeemed_at);

    -- One-time codes sent to a phone, stored hashed. A verified code also carries the hash of a
    -- short-lived token, so the customer's page can list their coupons without a new code.
    CREATE TABLE otp_codes (
      merchant_id text NOT NULL,
      otp_id text NOT NULL,
      phone text NOT NULL,
      code_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      consumed_at timestamptz,
      token_hash text,
      token_expires_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, otp_id)
    );
    CREATE INDEX otp_codes_phone ON otp_codes (merchant_id, phone, created_at);
  `.execute(db);

  for (const table of ['offers', 'offer_slots', 'coupons', 'redemptions', 'otp_codes']) {
    await enableTenantIsolation(db, table);
  }
}
