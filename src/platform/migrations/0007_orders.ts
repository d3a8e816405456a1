import { sql, type Kysely } from 'kysely';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Orders from the merchant's own tills (items, payment method, coupons, the member and the tap
 * the sale is attributed to), their refunds and voids, and the Idempotency-Key store of the API.
 * Landed migrations are never edited.
 *
 * Citus: create_distributed_table('orders' | 'order_items' | 'order_coupons' | 'order_refunds' |
 * 'idempotency_keys', 'merchant_id', colocate_with => 'merchants').
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- An order is never deleted: refunds and voids are rows of order_refunds, and status and
    -- refunded_cents summarise them. Attribution (click, link, channel; all null = direct) is
    -- decided when the order is recorded and never recomputed.
    CREATE TABLE orders (
      merchant_id text NOT NULL,
      order_id text NOT NULL,
      external_id text CHECK (length(external_id) BETWEEN 1 AND 200),
      request_hash text NOT NULL,
      store_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('completed', 'partially_refunded', 'refunded', 'void')),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      subtotal_cents bigint NOT NULL CHECK (subtotal_cents >= 0),
      discount_cents bigint NOT NULL CHECK (discount_cents >= 0),
      total_cents bigint NOT NULL CHECK (total_cents >= 0),
      refunded_cents bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= total_cents),
      payment_method text NOT NULL CHECK (payment_method ~ '^[a-z][a-z0-9_]{1,39}$'),
      occurred_at timestamptz NOT NULL,
      member_id text,
      click_id text,
      link_id text,
      channel_id text,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, order_id),
      UNIQUE (merchant_id, external_id),
      FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, store_id),
      FOREIGN KEY (merchant_id, member_id) REFERENCES members (merchant_id, member_id),
      CHECK (subtotal_cents - discount_cents = total_cents)
    );
    CREATE INDEX orders_store ON orders (merchant_id, store_id, occurred_at);
    CREATE INDEX orders_member ON orders (merchant_id, member_id, occurred_at) WHERE member_id IS NOT NULL;
    CREATE INDEX orders_occurred ON orders (merchant_id, occurred_at);

    CREATE TABLE order_items (
      merchant_id text NOT NULL,
      order_id text NOT NULL,
      line integer NOT NULL CHECK (line >= 1),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      sku text CHECK (length(sku) BETWEEN 1 AND 100),
      quantity integer NOT NULL CHECK (quantity >= 1),
      unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
      amount_cents bigint NOT NULL CHECK (amount_cents = quantity * unit_price_cents),
      PRIMARY KEY (merchant_id, order_id, line),
      FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, order_id)
    );

    -- Coupons used on an order: redeemed by the order itself (redeemed_with_order), or
    -- redeemed at the counter before the sale was rung up and attached to it. A redemption
    -- belongs to at most one order that is not void (checked under the redemption's row lock).
    CREATE TABLE order_coupons (
      merchant_id text NOT NULL,
      order_id text NOT NULL,
      coupon_id text NOT NULL,
      redemption_id text NOT NULL,
      offer_id text NOT NULL,
      code text NOT NULL,
      redeemed_with_order boolean NOT NULL,
      PRIMARY KEY (merchant_id, order_id, coupon_id),
      FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, order_id),
      FOREIGN KEY (merchant_id, coupon_id) REFERENCES coupons (merchant_id, coupon_id),
      FOREIGN KEY (merchant_id, redemption_id) REFERENCES redemptions (merchant_id, redemption_id)
    );
    CREATE INDEX order_coupons_redemption ON order_coupons (merchant_id, redemption_id);

    -- A refund gives back part or all of what is left; a void cancels the whole sale (its
    -- amount is the total). Either is recorded here and never removed.
    CREATE TABLE order_refunds (
      merchant_id text NOT NULL,
      refund_id text NOT NULL,
      order_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('refund', 'void')),
      amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
      reason text NOT NULL CHECK (length(reason) <= 500),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, refund_id),
      FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, order_id)
    );
    CREATE INDEX order_refunds_order ON order_refunds (merchant_id, order_id);

    -- Idempotency-Key of POST requests, per caller (staff member or API key) and merchant.
    -- A row is claimed (in_flight) before the handler runs and holds the response once it is
    -- done; it is ignored, and purged, after expires_at.
    CREATE TABLE idempotency_keys (
      merchant_id text NOT NULL,
      principal text NOT NULL,
      idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
      request_hash text NOT NULL,
      claim_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('in_flight', 'done')),
      response_status integer,
      response_type text,
      response_body text,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (merchant_id, principal, idempotency_key)
    );
    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (merchant_id, expires_at);
  `.execute(db);
  for (const table of ['orders', 'order_items', 'order_coupons', 'order_refunds', 'idempotency_keys']) await enableTenantIsolation(db, table);
}
