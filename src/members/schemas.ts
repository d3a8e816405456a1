import { Type, type Static, type TSchema } from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../platform/schemas.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const FreeObject = Type.Object({}, { additionalProperties: true });

export const MemberSummary = Type.Object({
  id: Id('member'),
  name: Nullable(Type.String()),
  phone: Nullable(Type.String({ description: 'The first phone seen (E.164), masked for clerks.' })),
  email: Nullable(Type.String()),
  userId: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  firstTouchAt: NullableTimestamp,
  lastTouchAt: NullableTimestamp,
  createdAt: Timestamp,
});
export type MemberSummary = Static<typeof MemberSummary>;

export const MemberList = Type.Object({ data: Type.Array(MemberSummary) });

export const MemberListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'A phone (any format), email, external id (`pos:123`), userId, visitor id, or part of a name.' })),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: "Any format; read in the merchant's region." })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    externalId: Type.Optional(Type.String({ minLength: 3, maxLength: 300, description: '`namespace:value`, e.g. `pos:123`.' })),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type MemberListQuery = Static<typeof MemberListQuery>;

export const MemberParams = Type.Object({ memberId: Id('member') });
export const TagParams = Type.Object({ memberId: Id('member'), tag: Type.String({ description: '1 to 50 characters, no `/`.' }) });
export const ProfileQuery = Type.Object(
  { timelineLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Newest timeline entries to include.' })) },
  { additionalProperties: false },
);

const Touch = Type.Object({
  clickId: Type.String(),
  at: Timestamp,
  isScan: Type.Boolean(),
  linkId: Type.String(),
  slug: Nullable(Type.String()),
  campaign: Nullable(Type.String()),
  channelId: Type.String(),
  channelName: Nullable(Type.String()),
});
export type Touch = Static<typeof Touch>;

export const TimelineEntry = Type.Object({
  kind: Type.Union([Type.Literal('click'), Type.Literal('event'), Type.Literal('claim'), Type.Literal('visit'), Type.Literal('order')]),
  at: Timestamp,
  id: Type.String({ description: 'Click, event, coupon, visit or order id.' }),
  type: Type.Optional(Type.String({ description: 'Event type (track, identify, …).' })),
  name: Type.Optional(Nullable(Type.String())),
  messageId: Type.Optional(Type.String()),
  properties: Type.Optional(FreeObject),
  traits: Type.Optional(FreeObject),
  isScan: Type.Optional(Type.Boolean()),
  linkId: Type.Optional(Type.String()),
  slug: Type.Optional(Nullable(Type.String())),
  campaign: Type.Optional(Nullable(Type.String())),
  channelId: Type.Optional(Type.String()),
  channelName: Type.Optional(Nullable(Type.String())),
  referrer: Type.Optional(Nullable(Type.String())),
  offerId: Type.Optional(Type.String({ description: 'claim: the offer the coupon is of.' })),
  storeId: Type.Optional(Type.String({ description: 'visit and order: the store.' })),
  source: Type.Optional(Type.String({ description: 'visit: redemption or order, with sourceId.' })),
  sourceId: Type.Optional(Type.String()),
  totalCents: Type.Optional(Type.Integer({ description: 'order: the amount paid.' })),
  paymentMethod: Type.Optional(Type.String()),
  status: Type.Optional(Type.String({ description: 'order: completed, partially_refunded, refunded or void.' })),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const Identity = Type.Object({
  kind: Type.Union([Type.Literal('anonymous'), Type.Literal('user'), Type.Literal('phone'), Type.Literal('email'), Type.Literal('external')]),
  value: Type.String({ description: 'Phones are masked for clerks.' }),
  firstSeenAt: Timestamp,
});

export const MergeRecord = Type.Object({
  id: Type.String(),
  survivorId: Id('member'),
  mergedId: Id('member'),
  reason: Type.String(),
  actor: Type.String({ description: '`event:evt_…`, `staff:stf_…`, …' }),
  at: Timestamp,
});

export const Profile = Type.Object({
  id: Id('member'),
  mergedIds: Type.Array(Type.String(), { description: 'Members merged into this one; their ids still lead here.' }),
  name: Nullable(Type.String()),
  traits: FreeObject,
  tags: Type.Array(Type.String()),
  consent: FreeObject,
  identities: Type.Array(Identity),
  firstTouch: Nullable(Touch),
  lastTouch: Nullable(Touch),
  merges: Type.Array(MergeRecord),
  timeline: Type.Array(TimelineEntry, { description: 'Clicks, events, claims, store visits and orders, newest first.' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Profile = Static<typeof Profile>;

export const Tags = Type.Object({ tags: Type.Array(Type.String()) });

export const MergeBody = Type.Object(
  { memberId: Id('member', 'The other member: the older of the two survives.') },
  { additionalProperties: false },
);
export type MergeBody = Static<typeof MergeBody>;
