import { Type, type Static } from 'typebox';
import { Id, Name, NullableTimestamp, Timestamp } from '../platform/schemas.js';

/** Request and response shapes of channels, their costs, and short links. */

const ChannelKind = Type.Union(
  [
    Type.Literal('marketplace'),
    Type.Literal('social'),
    Type.Literal('search'),
    Type.Literal('forum'),
    Type.Literal('offline_print'),
    Type.Literal('ad'),
    Type.Literal('referral'),
    Type.Literal('other'),
  ],
  { description: 'Where the traffic comes from: marketplace, social, search, forum, offline_print, ad, referral or other.' },
);

export const Channel = Type.Object({
  id: Id('channel'),
  name: Type.String(),
  kind: ChannelKind,
  archived: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Channel = Static<typeof Channel>;
export const ChannelList = Type.Object({ data: Type.Array(Channel) });

export const CreateChannelBody = Type.Object({ name: Name, kind: ChannelKind }, { additionalProperties: false });
export type CreateChannelBody = Static<typeof CreateChannelBody>;

export const UpdateChannelBody = Type.Object(
  {
    name: Type.Optional(Name),
    kind: Type.Optional(ChannelKind),
    archived: Type.Optional(Type.Boolean({ description: 'An archived channel keeps its links, costs and history; new links cannot use it.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateChannelBody = Static<typeof UpdateChannelBody>;

export const ChannelParams = Type.Object({ channelId: Id('channel') });
export const ChannelListQuery = Type.Object(
  { includeArchived: Type.Optional(Type.Boolean({ default: false })), kind: Type.Optional(ChannelKind) },
  { additionalProperties: false },
);

const Day = Type.String({ format: 'date', description: 'A calendar day `YYYY-MM-DD` (inclusive), in the merchant’s time zone.' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. `CNY`.' });

export const ChannelCost = Type.Object({
  id: Id('channelCost'),
  channelId: Id('channel'),
  amountCents: Type.Integer(),
  currency: Type.String(),
  startsOn: Type.String(),
  endsOn: Type.String(),
  note: Type.String(),
  createdAt: Timestamp,
});
export type ChannelCost = Static<typeof ChannelCost>;
export const ChannelCostList = Type.Object({ data: Type.Array(ChannelCost) });

export const CreateCostBody = Type.Object(
  {
    amountCents: Type.Integer({ minimum: 0, maximum: 1e13, description: 'What the channel cost over the period, in the smallest unit (fen, cents).' }),
    currency: Type.Optional({ ...Currency, description: 'Defaults to the merchant’s currency.' }),
    startsOn: Day,
    endsOn: Day,
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CreateCostBody = Static<typeof CreateCostBody>;

export const UpdateCostBody = Type.Object(
  {
    amountCents: Type.Optional(CreateCostBody.properties.amountCents),
    currency: Type.Optional(Currency),
    startsOn: Type.Optional(Day),
    endsOn: Type.Optional(Day),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCostBody = Static<typeof UpdateCostBody>;

export const CostParams = Type.Object({ channelId: Id('channel'), costId: Id('channelCost') });

export const SLUG_PATTERN = '^[A-Za-z0-9_-]{3,64}$';
const Slug = Type.String({ pattern: SLUG_PATTERN, description: 'The name in the short URL `/l/{slug}`: 3–64 letters, digits, `_` or `-`. Left out: generated.' });
const Destination = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'Where the link leads: a page of this server as a path (`/o/off_…`, `/s/sto_…`) or an absolute http(s) URL.',
});
const Campaign = Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], { description: 'A free label to group links, e.g. `spring-2026`.' });

export const Link = Type.Object({
  id: Id('link'),
  slug: Type.String(),
  channelId: Id('channel'),
  campaign: Type.Union([Type.String(), Type.Null()]),
  destination: Type.String(),
  expiresAt: NullableTimestamp,
  active: Type.Boolean(),
  shortUrl: Type.String({ description: 'The URL to publish.' }),
  qr: Type.Object({ png: Type.String(), svg: Type.String() }, { description: 'Where to download the QR code (needs the same credentials).' }),
  clicks: Type.Integer({ description: 'Counted clicks on the short URL (not scans).' }),
  scans: Type.Integer({ description: 'Counted scans of the QR code.' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Link = Static<typeof Link>;
export const LinkList = Type.Object({ data: Type.Array(Link) });

export const CreateLinkBody = Type.Object(
  {
    channelId: Id('channel'),
    destination: Destination,
    slug: Type.Optional(Slug),
    campaign: Type.Optional(Campaign),
    expiresAt: Type.Optional(NullableTimestamp),
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type CreateLinkBody = Static<typeof CreateLinkBody>;

export const UpdateLinkBody = Type.Object(
  {
    channelId: Type.Optional(Id('channel', 'Move the link to another live channel: its later visits count there (visits so far stay where they were counted).')),
    destination: Type.Optional(Destination),
    slug: Type.Optional({ ...Slug, description: 'A new slug; the earlier one keeps redirecting here (printed codes stay valid).' }),
    campaign: Type.Optional(Campaign),
    expiresAt: Type.Optional(NullableTimestamp),
    active: Type.Optional(Type.Boolean({ description: 'An inactive link answers 410 Gone.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateLinkBody = Static<typeof UpdateLinkBody>;

export const LinkParams = Type.Object({ linkId: Id('link') });
export const LinkListQuery = Type.Object(
  { channelId: Type.Optional(Id('channel')), campaign: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);

export const QrQuery = Type.Object(
  {
    size: Type.Optional(Type.Integer({ minimum: 128, maximum: 2048, default: 512, description: 'Width and height in pixels (PNG), or the nominal size (SVG). For larger prints use the SVG, which scales without loss.' })),
    margin: Type.Optional(Type.Integer({ minimum: 0, maximum: 16, default: 4, description: 'Quiet zone around the code, in modules (4 is the standard).' })),
    ecc: Type.Optional(
      Type.Union([Type.Literal('M'), Type.Literal('Q'), Type.Literal('H')], {
        default: 'M',
        description: 'Error correction: M (15%), Q (25%) or H (30%, for codes that may get dirty or carry a logo).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type QrQuery = Static<typeof QrQuery>;

export const LinkStats = Type.Object({
  linkId: Id('link'),
  clicks: Type.Integer({ description: 'Counted clicks on the short URL (not scans).' }),
  scans: Type.Integer({ description: 'Counted scans of the QR code.' }),
  visitors: Type.Integer({ description: 'Distinct visitors (visitor cookies) behind the clicks and scans.' }),
  claims: Type.Integer({ description: 'Coupons whose last touch is this link.' }),
  visits: Type.Integer({ description: 'Of those coupons, the ones redeemed at a store (undone redemptions not counted).' }),
  orders: Type.Integer({ description: 'Orders (voids left out) whose last touch is this link.' }),
  revenueCents: Type.Integer({ description: 'What those orders took, less refunds.' }),
});
export type LinkStats = Static<typeof LinkStats>;
