import { Type, type Static } from 'typebox';
import { Id, Name, NullableTimestamp, Timestamp } from '../platform/schemas.js';
import { OpeningHours } from '../stores/schemas.js';

/** Request and response shapes of offers, slots, coupons, claims and the counter. */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Cents = (description: string) => Type.Integer({ minimum: 0, maximum: 1e12, description });
const PositiveCents = (description: string) => Type.Integer({ minimum: 1, maximum: 1e12, description });
const Day = (description: string) => Type.String({ format: 'date', description: `${description} A calendar day \`YYYY-MM-DD\` in the merchant’s time zone, inclusive.` });

export const OfferKind = Type.Union([Type.Literal('amount_off'), Type.Literal('percent_off'), Type.Literal('free_item'), Type.Literal('booking')], {
  description: 'amount_off (a fixed amount), percent_off (a percentage, optionally capped), free_item, or booking (an appointment voucher with time slots).',
});
export const OfferState = Type.Union([Type.Literal('draft'), Type.Literal('live'), Type.Literal('paused'), Type.Literal('ended')]);

/** The fields an owner sets; kind-specific ones are checked in offers.ts (clearer errors than a schema union). */
const termFields = {
  name: Name,
  description: Type.String({ maxLength: 2000 }),
  amountOffCents: Nullable(PositiveCents('amount_off: the amount taken off, in the smallest unit (fen, cents).')),
  percentOff: Nullable(Type.Integer({ minimum: 1, maximum: 100, description: 'percent_off: the percentage taken off.' })),
  maxDiscountCents: Nullable(PositiveCents('percent_off: the most one coupon takes off (the cap). Needed with a budget.')),
  freeItem: Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'free_item: what is given; booking: what is booked (optional).' })),
  itemValueCents: Nullable(Cents('free_item and booking: what one coupon is worth to you. Needed with a budget.')),
  minSpendCents: Nullable(Cents('The smallest purchase the coupon applies to.')),
  storeIds: Type.Array(Id('store'), { maxItems: 500, uniqueItems: true, description: 'Stores where the coupons are valid; empty: every store.' }),
  validFrom: Nullable(Day('First day the coupons are valid.')),
  validUntil: Nullable(Day('Last day the coupons are valid.')),
  validDays: Nullable(Type.Integer({ minimum: 1, maximum: 3650, description: 'Instead of dates: valid from the claim through the end of the N-th day after the claim day.' })),
  perPersonLimit: Type.Integer({ minimum: 1, maximum: 1000, description: 'Coupons one person may claim (counted on the person, across merged identities). Default 1.' }),
  totalQuantity: Nullable(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Coupons to hand out in all; null: no limit.' })),
  budgetCents: Nullable(Cents('Most that all coupons together may be worth (each counts at its face value or cap); null: no budget.')),
};

const optional = <T extends Record<string, Parameters<typeof Type.Optional>[0]>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>> };

export const CreateOfferBody = Type.Object({ ...optional(termFields), name: Name, kind: OfferKind }, { additionalProperties: false });
export type CreateOfferBody = Static<typeof CreateOfferBody>;

export const UpdateOfferBody = Type.Object(optional(termFields), { additionalProperties: false, minProperties: 1 });
export type UpdateOfferBody = Static<typeof UpdateOfferBody>;

export const OfferStateBody = Type.Object(
  { state: Type.Union([Type.Literal('live'), Type.Literal('paused'), Type.Literal('ended')], { description: 'draft → live ⇄ paused; live or paused → ended.' }) },
  { additionalProperties: false },
);

export const Offer = Type.Object({
  id: Id('offer'),
  name: Type.String(),
  description: Type.String(),
  kind: OfferKind,
  amountOffCents: Nullable(Type.Integer()),
  percentOff: Nullable(Type.Integer()),
  maxDiscountCents: Nullable(Type.Integer()),
  freeItem: Nullable(Type.String()),
  itemValueCents: Nullable(Type.Integer()),
  minSpendCents: Nullable(Type.Integer()),
  currency: Type.String(),
  storeIds: Type.Array(Type.String()),
  validFrom: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  validDays: Nullable(Type.Integer()),
  perPersonLimit: Type.Integer(),
  totalQuantity: Nullable(Type.Integer()),
  budgetCents: Nullable(Type.Integer()),
  state: OfferState,
  claimed: Type.Integer({ description: 'Coupons claimed so far.' }),
  redeemed: Type.Integer({ description: 'Coupons redeemed (undone redemptions not counted).' }),
  remaining: Nullable(Type.Integer({ description: 'Coupons left to claim; null: no quantity limit.' })),
  budgetUsedCents: Type.Integer({ description: 'What the claimed coupons are worth together (counted against the budget).' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Offer = Static<typeof Offer>;
export const OfferList = Type.Object({ data: Type.Array(Offer) });
export const OfferListQuery = Type.Object({ state: Type.Optional(OfferState) }, { additionalProperties: false });
export const OfferParams = Type.Object({ offerId: Id('offer') });

// ---- slots

export const CreateSlotBody = Type.Object(
  {
    storeId: Id('store'),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    capacity: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Places in the slot.' }),
  },
  { additionalProperties: false },
);
export type CreateSlotBody = Static<typeof CreateSlotBody>;

export const Slot = Type.Object({
  id: Id('slot'),
  offerId: Id('offer'),
  storeId: Id('store'),
  startsAt: Timestamp,
  endsAt: Timestamp,
  capacity: Type.Integer(),
  booked: Type.Integer(),
  remaining: Type.Integer(),
});
export type Slot = Static<typeof Slot>;
export const SlotList = Type.Object({ data: Type.Array(Slot) });
export const SlotParams = Type.Object({ offerId: Id('offer'), slotId: Id('slot') });

// ---- coupons

export const CouponTerms = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    kind: OfferKind,
    amountOffCents: Nullable(Type.Integer()),
    percentOff: Nullable(Type.Integer()),
    maxDiscountCents: Nullable(Type.Integer()),
    freeItem: Nullable(Type.String()),
    itemValueCents: Nullable(Type.Integer()),
    minSpendCents: Nullable(Type.Integer()),
    currency: Type.String(),
  },
  { description: 'The terms as they were when the coupon was claimed; later edits of the offer do not change them.' },
);

const CouponStatus = Type.Union([Type.Literal('valid'), Type.Literal('not_yet_valid'), Type.Literal('expired'), Type.Literal('redeemed')]);
const SlotRef = Nullable(Type.Object({ id: Id('slot'), storeId: Id('store'), startsAt: Timestamp, endsAt: Timestamp }));

export const Coupon = Type.Object({
  id: Id('coupon'),
  code: Type.String({ description: 'Grouped for reading aloud, e.g. `K7QM-3XV9-TDA2`.' }),
  offerId: Id('offer'),
  memberId: Id('member'),
  status: CouponStatus,
  terms: CouponTerms,
  storeIds: Type.Array(Type.String(), { description: 'Where it is valid; empty: every store.' }),
  validFrom: Timestamp,
  validUntil: Timestamp,
  slot: SlotRef,
  attribution: Type.Object({
    visitorId: Nullable(Type.String()),
    clickId: Nullable(Type.String()),
    linkId: Nullable(Type.String()),
    channelId: Nullable(Type.String({ description: 'null: direct (no tap within the attribution window).' })),
  }),
  claimedAt: Timestamp,
  redeemedAt: NullableTimestamp,
  redemptionId: Nullable(Type.String()),
});
export type Coupon = Static<typeof Coupon>;
export const CouponList = Type.Object({ data: Type.Array(Coupon) });
export const CouponParams = Type.Object({ couponId: Id('coupon') });
export const CouponListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false });

/** What the customer sees of their coupon. */
export const CustomerCoupon = Type.Object({
  id: Id('coupon'),
  code: Type.String(),
  qrSvg: Type.String({ description: 'The code as a QR code (SVG markup), to show at the counter.' }),
  offerId: Id('offer'),
  status: CouponStatus,
  terms: CouponTerms,
  storeIds: Type.Array(Type.String()),
  validFrom: Timestamp,
  validUntil: Timestamp,
  slot: SlotRef,
  claimedAt: Timestamp,
  redeemedAt: NullableTimestamp,
});
export type CustomerCoupon = Static<typeof CustomerCoupon>;

export const QrQuery = Type.Object(
  {
    size: Type.Optional(Type.Integer({ minimum: 128, maximum: 2048, default: 384 })),
    margin: Type.Optional(Type.Integer({ minimum: 0, maximum: 16, default: 2 })),
  },
  { additionalProperties: false },
);

// ---- public (customer) side

const Phone = Type.String({ minLength: 3, maxLength: 40, description: 'A mobile number; without a country code it is read in the merchant’s region.' });
const OtpCode = Type.String({ pattern: '^\\d{6}$', description: 'The six digits sent to the phone.' });
const PhoneToken = Type.String({ minLength: 20, maxLength: 200, description: 'The token from a verified code (`token` of a claim or of /otp/verify).' });

export const PublicMerchantParams = Type.Object({ merchantId: Id('merchant') });
export const PublicOfferParams = Type.Object({ merchantId: Id('merchant'), offerId: Id('offer') });

export const PublicOffer = Type.Object({
  id: Id('offer'),
  merchant: Type.Object({ id: Id('merchant'), name: Type.String() }),
  name: Type.String(),
  description: Type.String(),
  kind: OfferKind,
  amountOffCents: Nullable(Type.Integer()),
  percentOff: Nullable(Type.Integer()),
  maxDiscountCents: Nullable(Type.Integer()),
  freeItem: Nullable(Type.String()),
  minSpendCents: Nullable(Type.Integer()),
  currency: Type.String(),
  validFrom: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  validDays: Nullable(Type.Integer()),
  perPersonLimit: Type.Integer(),
  claimable: Type.Boolean({ description: 'Live, within its dates, and not sold out.' }),
  remaining: Nullable(Type.Integer()),
  stores: Type.Array(Type.Object({ id: Id('store'), name: Type.String(), address: Type.String() }), { description: 'Where the coupons are valid.' }),
  slots: Type.Array(
    Type.Object({ id: Id('slot'), storeId: Id('store'), startsAt: Timestamp, endsAt: Timestamp, remaining: Type.Integer() }),
    { description: 'booking: the slots still ahead.' },
  ),
});
export type PublicOffer = Static<typeof PublicOffer>;

export const PublicStoreParams = Type.Object({ merchantId: Id('merchant'), storeId: Id('store') });

/** A store as a customer sees it, with the offers that can be claimed for it now. */
export const PublicStore = Type.Object({
  id: Id('store'),
  merchant: Type.Object({ id: Id('merchant'), name: Type.String() }),
  name: Type.String(),
  address: Type.String(),
  phone: Nullable(Type.String()),
  timezone: Type.String(),
  openingHours: OpeningHours,
  offers: Type.Array(
    Type.Object({
      id: Id('offer'),
      name: Type.String(),
      description: Type.String(),
      kind: OfferKind,
      amountOffCents: Nullable(Type.Integer()),
      percentOff: Nullable(Type.Integer()),
      maxDiscountCents: Nullable(Type.Integer()),
      freeItem: Nullable(Type.String()),
      minSpendCents: Nullable(Type.Integer()),
      currency: Type.String(),
      validFrom: Nullable(Type.String()),
      validUntil: Nullable(Type.String()),
      validDays: Nullable(Type.Integer()),
      remaining: Nullable(Type.Integer()),
    }),
    { description: 'Live offers valid at this store that can be claimed now, newest first.' },
  ),
});
export type PublicStore = Static<typeof PublicStore>;

export const SendOtpBody = Type.Object({ phone: Phone }, { additionalProperties: false });
export const OtpSent = Type.Object({
  sentTo: Type.String({ description: 'The phone, masked.' }),
  expiresAt: Timestamp,
  resendAfterSeconds: Type.Integer(),
});
export const VerifyOtpBody = Type.Object({ phone: Phone, code: OtpCode }, { additionalProperties: false });
export const PhoneVerified = Type.Object({ token: Type.String(), expiresAt: Timestamp });

export const ClaimBody = Type.Object(
  {
    phone: Type.Optional(Phone),
    code: Type.Optional(OtpCode),
    token: Type.Optional(PhoneToken),
    visitorId: Type.Optional(Id('visitor', 'The visitor id (`rsv_vid`) when the page cannot send the cookie.')),
    slotId: Type.Optional(Id('slot', 'booking: the chosen slot.')),
  },
  { additionalProperties: false, description: 'Either `phone` and `code`, or `token` from an earlier verification.' },
);
export type ClaimBody = Static<typeof ClaimBody>;

export const Claimed = Type.Object({
  coupon: CustomerCoupon,
  token: Type.String({ description: 'Keeps the phone verified on this device (send it as `Authorization: Bearer …` to list coupons, or as `token` to claim again).' }),
  tokenExpiresAt: Timestamp,
});

export const MyCoupons = Type.Object({ phone: Type.String({ description: 'Masked.' }), data: Type.Array(CustomerCoupon) });

// ---- the counter

const CodeInput = Type.String({ minLength: 1, maxLength: 64, description: 'As typed or scanned: case, dashes and spaces do not matter.' });
const RequestId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{8,100}$', description: 'The till’s own id of this confirmation (e.g. a UUID): the same id again answers the first result.' });

export const LookupBody = Type.Object({ code: CodeInput, storeId: Id('store') }, { additionalProperties: false });
export type LookupBody = Static<typeof LookupBody>;

export const Lookup = Type.Object({
  coupon: Type.Object({
    id: Id('coupon'),
    code: Type.String(),
    status: CouponStatus,
    redeemable: Type.Boolean({ description: 'Whether a confirmation at this store, now, would succeed.' }),
    problem: Nullable(Type.String({ description: 'The error code a confirmation would get (`coupon_expired`, `coupon_not_valid_here`, …).' })),
    terms: CouponTerms,
    storeIds: Type.Array(Type.String()),
    validFrom: Timestamp,
    validUntil: Timestamp,
    slot: SlotRef,
    claimedAt: Timestamp,
    redeemedAt: NullableTimestamp,
    redemption: Nullable(Type.Object({ id: Id('redemption'), storeId: Id('store'), redeemedAt: Timestamp })),
  }),
  offer: Type.Object({ id: Id('offer'), name: Type.String(), state: OfferState }),
  member: Type.Object({ id: Id('member'), name: Nullable(Type.String()), phone: Nullable(Type.String({ description: 'Masked, e.g. `+86138****5678`.' })) }),
});
export type Lookup = Static<typeof Lookup>;

export const RedeemBody = Type.Object(
  {
    code: CodeInput,
    storeId: Id('store'),
    requestId: RequestId,
    amountCents: Type.Optional(Cents('The purchase the coupon is used on; when given, the minimum spend is checked.')),
  },
  { additionalProperties: false },
);
export type RedeemBody = Static<typeof RedeemBody>;

export const Redemption = Type.Object({
  id: Id('redemption'),
  couponId: Id('coupon'),
  offerId: Id('offer'),
  memberId: Id('member'),
  storeId: Id('store'),
  requestId: Type.String(),
  amountCents: Nullable(Type.Integer()),
  terms: CouponTerms,
  redeemedAt: Timestamp,
  undoableUntil: Timestamp,
  undoneAt: NullableTimestamp,
  staffId: Nullable(Type.String()),
  keyId: Nullable(Type.String()),
});
export type Redemption = Static<typeof Redemption>;
export const RedemptionList = Type.Object({ data: Type.Array(Redemption) });
export const RedemptionParams = Type.Object({ redemptionId: Id('redemption') });
export const RedemptionListQuery = Type.Object(
  { storeId: Id('store'), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
  { additionalProperties: false },
);
export const UndoBody = Type.Object({ storeId: Id('store', 'The store undoing it: must be where the coupon was redeemed.') }, { additionalProperties: false });
