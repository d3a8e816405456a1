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
