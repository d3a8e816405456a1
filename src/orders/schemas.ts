import { Type, type Static, type TSchema } from 'typebox';
import { Id, Timestamp } from '../platform/schemas.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Ten billion in the currency's main unit: more than any one sale, small enough to add safely. */
export const MAX_ORDER_CENTS = 1_000_000_000_000;
const Cents = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_ORDER_CENTS, description });
const Reason = Type.String({ minLength: 1, maxLength: 500, description: 'Why, in a few words (shown on the order).' });

export const OrderItemInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    sku: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    quantity: Type.Integer({ minimum: 1, maximum: 10_000, description: 'Whole units; send goods sold by weight as quantity 1 at the line price.' }),
    unitPriceCents: Type.Integer({ minimum: 0, maximum: 10_000_000_000, description: 'Price of one unit before the order discount, in cents (fen).' }),
  },
  { additionalProperties: false },
);

export const MemberInput = Type.Object(
  {
    memberId: Type.Optional(Id('member', 'The member id (`mbr_…`), e.g. read from the member code the customer shows.')),
    phone: Type.Optional(Type.String({ minLength: 3, maxLength: 40, description: "Any format; read in the merchant's region when it has no country code." })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
    visitorId: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'The visitor id (`vis_…` from the tap cookie, or a Segment anonymousId).' })),
    externalId: Type.Optional(Type.String({ minLength: 3, maxLength: 300, description: '`namespace:value`, e.g. a loyalty card `card:88001234`.' })),
  },
  { additionalProperties: false, minProperties: 1, description: 'Who bought, if known: every identity given is stitched to one member.' },
);
export type MemberInput = Static<typeof MemberInput>;

/** The body of POST /api/orders; the payment methods are the configured ones. */
export function createOrderBody(paymentMethods: readonly string[]) {
  return Type.Object(
    {
      storeId: Id('store'),
      externalId: Type.Optional(
        Type.String({ minLength: 1, maxLength: 200, description: "The till's own id of the sale. Sending it again answers the first order instead of recording a second." }),
      ),
      occurredAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the sale happened (default: now). At most an hour ahead.' })),
      currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: "ISO 4217 (default: the merchant's currency)." })),
      items: Type.Array(OrderItemInput, { minItems: 1, maxItems: 500 }),
      discountCents: Type.Optional(Cents('Discount on the whole order, coupons included (default 0).')),
      totalCents: Cents('What the customer paid: the items less the discount.'),
      paymentMethod: Type.Enum([...paymentMethods], { description: `One of: ${paymentMethods.join(', ')}.` }),
      member: Type.Optional(MemberInput),
      couponCodes: Type.Optional(
        Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
          maxItems: 10,
          uniqueItems: true,
          description: 'Coupon codes used on this sale, as typed or scanned. Redeemed with the order if not yet; one redeemed at this store shortly before is attached.',
        }),
      ),
    },
    { additionalProperties: false },
  );
}
export type CreateOrderBody = Static<ReturnType<typeof createOrderBody>>;

export const RefundBody = Type.Object(
  {
    amountCents: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ORDER_CENTS, description: 'Default: everything left to refund.' })),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type RefundBody = Static<typeof RefundBody>;

export const VoidBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export type VoidBody = Static<typeof VoidBody>;

export const OrderStatus = Type.Union([Type.Literal('completed'), Type.Literal('partially_refunded'), Type.Literal('refunded'), Type.Literal('void')]);

export const OrderItem = Type.Object({
  line: Type.Integer(),
  name: Type.String(),
  sku: Nullable(Type.String()),
  quantity: Type.Integer(),
  unitPriceCents: Type.Integer(),
  amountCents: Type.Integer(),
});

export const Refund = Type.Object({
  id: Id('refund'),
  kind: Type.Union([Type.Literal('refund'), Type.Literal('void')]),
  amountCents: Type.Integer({ description: 'For a void, the order total.' }),
  reason: Type.String(),
  createdBy: Type.String({ description: '`staff:stf_…` or `key:key_…`' }),
  createdAt: Timestamp,
});
export type Refund = Static<typeof Refund>;

export const OrderMember = Type.Object({
  id: Id('member'),
  name: Nullable(Type.String()),
  phone: Nullable(Type.String({ description: 'The first phone of the member (E.164), masked for clerks.' })),
});

export const OrderCoupon = Type.Object({
  couponId: Id('coupon'),
  code: Type.String({ description: 'As printed, e.g. `K7QM-XV93-TDA2`.' }),
  offerId: Id('offer'),
  redemptionId: Id('redemption'),
  redeemedWithOrder: Type.Boolean({ description: 'true: redeemed by this order; false: redeemed at the counter first, then attached.' }),
});

export const Attribution = Type.Object(
  { clickId: Type.String(), linkId: Type.String(), channelId: Type.String() },
  { description: 'The last tap click of the member within the attribution window before the sale; null is direct.' },
);

const summaryFields = {
  id: Id('order'),
  externalId: Nullable(Type.String()),
  storeId: Id('store'),
  status: OrderStatus,
  occurredAt: Timestamp,
  currency: Type.String(),
  subtotalCents: Type.Integer(),
  discountCents: Type.Integer(),
  totalCents: Type.Integer(),
  refundedCents: Type.Integer(),
  paymentMethod: Type.String(),
  memberId: Nullable(Id('member')),
  attribution: Nullable(Attribution),
  createdBy: Type.String({ description: '`staff:stf_…` or `key:key_…`' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const OrderSummary = Type.Object(summaryFields);
export type OrderSummary = Static<typeof OrderSummary>;

export const Order = Type.Object({
  ...summaryFields,
  items: Type.Array(OrderItem),
  member: Nullable(OrderMember),
  coupons: Type.Array(OrderCoupon),
  refunds: Type.Array(Refund, { description: 'Refunds and the void, oldest first.' }),
});
export type Order = Static<typeof Order>;

export const RefundResult = Type.Object({ refund: Refund, order: Order });

export const OrderList = Type.Object({
  data: Type.Array(OrderSummary),
  nextCursor: Nullable(Id('order', 'Pass as `cursor` for the next page; null on the last one.')),
});

export const OrderListQuery = Type.Object(
  {
    storeId: Type.Optional(Id('store')),
    memberId: Type.Optional(Id('member', 'Orders of this member, and of the members merged into it.')),
    paymentMethod: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' })),
    status: Type.Optional(OrderStatus),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Orders that occurred at or after this time.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Orders that occurred before this time.' })),
    cursor: Type.Optional(Id('order', 'The `nextCursor` of the previous page.')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type OrderListQuery = Static<typeof OrderListQuery>;

export const OrderParams = Type.Object({ orderId: Id('order') });
