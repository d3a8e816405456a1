import { Type, type Static } from 'typebox';
import { Email, Id, Name, Password, TimeZone, Timestamp } from '../platform/schemas.js';

export const Merchant = Type.Object(
  {
    id: Id('merchant'),
    name: Type.String(),
    timezone: Type.String(),
    defaultRegion: Type.String({ description: 'ISO 3166 region used to read phone numbers written without a country code.' }),
    currency: Type.String(),
    attributionWindowDays: Type.Integer(),
    createdAt: Timestamp,
  },
);
export type Merchant = Static<typeof Merchant>;

/** The merchant as its settings page reads it: with how this installation sends messages (never where to, nor any secret). */
export const MerchantSettings = Type.Object({
  ...Merchant.properties,
  messageProvider: Type.Union([Type.Literal('dev'), Type.Literal('http')], {
    description:
      'How one-time codes reach customers on this installation (MESSAGE_PROVIDER, set by whoever runs the server): `dev` sends nothing and keeps the codes for development; `http` posts them to the SMS gateway.',
  }),
});
export type MerchantSettings = Static<typeof MerchantSettings>;

const Region = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. `CN`.' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. `CNY`.' });

export const CreateMerchantBody = Type.Object(
  {
    merchantName: Name,
    timezone: Type.Optional(TimeZone),
    defaultRegion: Type.Optional(Region),
    currency: Type.Optional(Currency),
    ownerName: Name,
    ownerEmail: Email,
    ownerPassword: Password,
  },
  { additionalProperties: false },
);
export type CreateMerchantBody = Static<typeof CreateMerchantBody>;

export const UpdateMerchantBody = Type.Object(
  {
    name: Type.Optional(Name),
    timezone: Type.Optional(TimeZone),
    defaultRegion: Type.Optional(Region),
    currency: Type.Optional(Currency),
    attributionWindowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMerchantBody = Static<typeof UpdateMerchantBody>;

export const SetupStatus = Type.Object({ needed: Type.Boolean({ description: 'True while no merchant exists yet.' }) });
