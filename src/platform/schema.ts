import type { ColumnType, Generated } from 'kysely';

/**
 * The tables as Kysely sees them. They mirror the migrations in ./migrations; a change to one
 * is a change to both. Every tenant table carries `merchant_id` and includes it in its keys.
 */

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Json<T> = ColumnType<T, string, string>;

export type Role = 'owner' | 'manager' | 'clerk';
export type KeyKind = 'publishable' | 'secret';

/** Opening hours by weekday; each day a list of [open, close] in "HH:MM" (close may pass midnight). */
export type OpeningHours = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;

export interface MerchantsTable {
  merchant_id: string;
  name: string;
  timezone: string;
  default_region: string;
  currency: string;
  attribution_window_days: Generated<number>;
  /** Salt for hashing client IPs of this merchant's clicks (never exposed). */
  ip_salt: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StoresTable {
  merchant_id: string;
  store_id: string;
  name: string;
  address: string;
  phone: string | null;
  timezone: string;
  opening_hours: Json<OpeningHours>;
  archived_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StaffTable {
  merchant_id: string;
  staff_id: string;
  email: string;
  name: string;
  role: Role;
  store_ids: string[];
  password_hash: string;
  disabled_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** The one cross-tenant table: which merchant an email address signs in to. */
export interface LoginsTable {
  email: string;
  merchant_id: string;
  staff_id: string;
}

export interface SessionsTable {
  merchant_id: string;
  session_id: string;
  staff_id: string;
  token_hash: string;
  user_agent: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  last_seen_at: Date;
}

export interface ApiKeysTable {
  merchant_id: string;
  key_id: string;
  kind: KeyKind;
  role: Role | null;
  store_ids: string[];
  name: string;
  token_hash: string;
  hint: string;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export type ChannelKind = 'marketplace' | 'social' | 'search' | 'forum' | 'offline_print' | 'ad' | 'referral' | 'other';
export type IdentityKind = 'anonymous' | 'user' | 'phone' | 'email' | 'external';
export type EventType = 'track' | 'identify' | 'page' | 'screen' | 'alias' | 'group';

export interface ChannelsTable {
  merchant_id: string;
  channel_id: string;
  name: string;
  kind: ChannelKind;
  archived_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ChannelCostsTable {
  merchant_id: string;
  cost_id: string;
  channel_id: string;
  amount_cents: number;
  currency: string;
  /** Dates as 'YYYY-MM-DD' strings on write; read back as Date (pg) — format with the merchant's zone. */
  starts_on: ColumnType<Date, string, string>;
  ends_on: ColumnType<Date, string, string>;
  note: string;
  created_at: CreatedAt;
}

export interface LinksTable {
  merchant_id: string;
  link_id: string;
  slug: string;
  channel_id: string;
  campaign: string | null;
  destination: string;
  expires_at: Date | null;
  active: boolean;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Cross-tenant: which merchant's link a short URL names. */
export interface LinkSlugsTable {
  slug: string;
  merchant_id: string;
  link_id: string;
}

export interface ClicksTable {
  merchant_id: string;
  click_id: string;
  link_id: string;
  channel_id: string;
  visitor_id: string;
  occurred_at: Date;
  is_scan: boolean;
  referrer: string | null;
  ip_hash: string | null;
  ua_family: string | null;
  country: string | null;
  region: string | null;
}

export interface MembersTable {
  merchant_id: string;
  member_id: string;
  merged_into: string | null;
  name: string | null;
  traits: Json<Record<string, unknown>>;
  tags: string[];
  consent: Json<Record<string, unknown>>;
  first_touch_click_id: string | null;
  first_touch_at: Date | null;
  last_touch_click_id: string | null;
  last_touch_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MemberIdentitiesTable {
  merchant_id: string;
  kind: IdentityKind;
  value: string;
  member_id: string;
  first_seen_at: ColumnType<Date, Date | undefined, Date>;
}

export interface MemberMergesTable {
  merchant_id: string;
  merge_id: string;
  survivor_id: string;
  merged_id: string;
  reason: string;
  actor: string;
  created_at: CreatedAt;
}

export interface EventsTable {
  merchant_id: string;
  event_id: string;
  message_id: string;
  type: EventType;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  member_id: string | null;
  properties: Json<Record<string, unknown>>;
  traits: Json<Record<string, unknown>>;
  context: Json<Record<string, unknown>>;
  occurred_at: Date;
  received_at: ColumnType<Date, Date | undefined, never>;
}

export interface OutboxTable {
  merchant_id: string;
  outbox_id: string;
  /** `resource.verb`, e.g. `coupon.claimed`. */
  event_type: string;
  payload: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  delivered_at: Date | null;
  attempts: Generated<number>;
}

export interface StoreVisitsTable {
  merchant_id: string;
  visit_id: string;
  member_id: string | null;
  store_id: string;
  occurred_at: Date;
  source: 'redemption' | 'order';
  source_id: string;
}

export type OrderStatus = 'completed' | 'partially_refunded' | 'refunded' | 'void';

export interface OrdersTable {
  merchant_id: string;
  order_id: string;
  /** The till's own id of the sale, unique per merchant: the same one twice is the same order. */
  external_id: string | null;
  /** SHA-256 of the canonical request body, to tell a retry from a different order under one external id. */
  request_hash: string;
  store_id: string;
  status: OrderStatus;
  currency: string;
  subtotal_cents: number;
  discount_cents: number;
  total_cents: number;
  refunded_cents: Generated<number>;
  payment_method: string;
  occurred_at: Date;
  member_id: string | null;
  /** Last-touch attribution, stored when the order is recorded; all null = direct. */
  click_id: string | null;
  link_id: string | null;
  channel_id: string | null;
  /** `staff:stf_…` or `key:key_…`. */
  created_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OrderItemsTable {
  merchant_id: string;
  order_id: string;
  line: number;
  name: string;
  sku: string | null;
  quantity: number;
  unit_price_cents: number;
  amount_cents: number;
}

export interface OrderCouponsTable {
  merchant_id: string;
  order_id: string;
  coupon_id: string;
  redemption_id: string;
  offer_id: string;
  /** Canonical coupon code. */
  code: string;
  /** true: the order redeemed it; false: it was redeemed at the counter first and attached. */
  redeemed_with_order: boolean;
}

export interface OrderRefundsTable {
  merchant_id: string;
  refund_id: string;
  order_id: string;
  kind: 'refund' | 'void';
  amount_cents: number;
  reason: string;
  created_by: string;
  created_at: CreatedAt;
}

export interface IdempotencyKeysTable {
  merchant_id: string;
  /** `staff:stf_…` or `key:key_…`: keys of different callers never collide. */
  principal: string;
  idempotency_key: string;
  request_hash: string;
  /** Which claim holds the row, so a request only stores or releases its own claim. */
  claim_id: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  response_type: string | null;
  response_body: string | null;
  claimed_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: Date;
}

export type OfferKind = 'amount_off' | 'percent_off' | 'free_item' | 'booking';
export type OfferState = 'draft' | 'live' | 'paused' | 'ended';

/** The terms a coupon keeps from its offer at the moment it was claimed. */
export interface CouponTerms {
  name: string;
  description: string;
  kind: OfferKind;
  amountOffCents: number | null;
  percentOff: number | null;
  maxDiscountCents: number | null;
  freeItem: string | null;
  itemValueCents: number | null;
  minSpendCents: number | null;
  currency: string;
}

export interface OffersTable {
  merchant_id: string;
  offer_id: string;
  name: string;
  description: string;
  kind: OfferKind;
  amount_off_cents: number | null;
  percent_off: number | null;
  max_discount_cents: number | null;
  free_item: string | null;
  item_value_cents: number | null;
  min_spend_cents: number | null;
  currency: string;
  store_ids: string[];
  /** 'YYYY-MM-DD' in the merchant's calendar, inclusive; or valid_days after the claim. */
  valid_from_date: string | null;
  valid_until_date: string | null;
  valid_days: number | null;
  per_person_limit: number;
  total_quantity: number | null;
  budget_cents: number | null;
  state: Generated<OfferState>;
  claimed: Generated<number>;
  committed_cents: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OfferSlotsTable {
  merchant_id: string;
  slot_id: string;
  offer_id: string;
  store_id: string;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  booked: Generated<number>;
  created_at: CreatedAt;
}

export interface CouponsTable {
  merchant_id: string;
  coupon_id: string;
  offer_id: string;
  member_id: string;
  /** Canonical form: 12 Crockford base32 symbols, the last one the check symbol. */
  code: string;
  terms: Json<CouponTerms>;
  store_ids: string[];
  valid_from: Date;
  valid_until: Date;
  value_cents: number | null;
  slot_id: string | null;
  visitor_id: string | null;
  click_id: string | null;
  link_id: string | null;
  channel_id: string | null;
  claimed_at: Date;
  redeemed_at: Date | null;
  redemption_id: string | null;
}

export interface RedemptionsTable {
  merchant_id: string;
  redemption_id: string;
  coupon_id: string;
  offer_id: string;
  member_id: string;
  store_id: string;
  request_id: string;
  amount_cents: number | null;
  staff_id: string | null;
  key_id: string | null;
  redeemed_at: Date;
  undone_at: Date | null;
  undone_by_staff_id: string | null;
  undone_by_key_id: string | null;
}

export interface OtpCodesTable {
  merchant_id: string;
  otp_id: string;
  phone: string;
  code_hash: string;
  expires_at: Date;
  attempts: Generated<number>;
  consumed_at: Date | null;
  token_hash: string | null;
  token_expires_at: Date | null;
  created_at: CreatedAt;
}

/** Answers: per merchant, the time zone its rollups were built in and when they were last refreshed (0008). */
export interface AnalyticsStateTable {
  merchant_id: string;
  timezone: string;
  refreshed_at: Date;
}

/** Keys the triggers mark for the next refresh (0008); the rollup tables are read with SQL in src/analytics. */
export interface AnalyticsDirtyTable {
  merchant_id: string;
  id: Generated<number>;
  scope: 'person' | 'coupon_day' | 'order_day' | 'visit_day' | 'order_local_day' | 'visit_local_day' | 'rebuild';
  key: string;
}

export interface Database {
  merchants: MerchantsTable;
  stores: StoresTable;
  staff: StaffTable;
  logins: LoginsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  channels: ChannelsTable;
  channel_costs: ChannelCostsTable;
  links: LinksTable;
  link_slugs: LinkSlugsTable;
  clicks: ClicksTable;
  members: MembersTable;
  member_identities: MemberIdentitiesTable;
  member_merges: MemberMergesTable;
  events: EventsTable;
  outbox: OutboxTable;
  store_visits: StoreVisitsTable;
  offers: OffersTable;
  offer_slots: OfferSlotsTable;
  coupons: CouponsTable;
  redemptions: RedemptionsTable;
  otp_codes: OtpCodesTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  order_coupons: OrderCouponsTable;
  order_refunds: OrderRefundsTable;
  idempotency_keys: IdempotencyKeysTable;
  analytics_state: AnalyticsStateTable;
  analytics_dirty: AnalyticsDirtyTable;
}
