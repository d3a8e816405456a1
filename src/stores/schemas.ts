import { Type, type Static } from 'typebox';
import { Id, Name, TimeZone, Timestamp } from '../platform/schemas.js';

const Time = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: '24-hour "HH:MM"' });
const Day = Type.Array(Type.Tuple([Time, Time]), {
  maxItems: 6,
  description: 'Opening intervals of the day as [open, close]; a close earlier than the open runs past midnight.',
});

export const OpeningHours = Type.Object(
  {
    mon: Type.Optional(Day),
    tue: Type.Optional(Day),
    wed: Type.Optional(Day),
    thu: Type.Optional(Day),
    fri: Type.Optional(Day),
    sat: Type.Optional(Day),
    sun: Type.Optional(Day),
  },
  { additionalProperties: false, description: 'A weekday left out is closed.' },
);

export const Store = Type.Object(
  {
    id: Id('store'),
    name: Type.String(),
    address: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    timezone: Type.String(),
    openingHours: OpeningHours,
    archived: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
);
export type Store = Static<typeof Store>;

export const StoreList = Type.Object({ data: Type.Array(Store) });

export const CreateStoreBody = Type.Object(
  {
    name: Name,
    address: Type.Optional(Type.String({ maxLength: 500 })),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
    timezone: Type.Optional(Type.String({ ...TimeZone, description: "Defaults to the merchant's time zone." })),
    openingHours: Type.Optional(OpeningHours),
  },
  { additionalProperties: false },
);
export type CreateStoreBody = Static<typeof CreateStoreBody>;

export const UpdateStoreBody = Type.Object(
  {
    name: Type.Optional(Name),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
    timezone: Type.Optional(TimeZone),
    openingHours: Type.Optional(OpeningHours),
    archived: Type.Optional(Type.Boolean({ description: 'An archived store keeps its history but takes no new business.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateStoreBody = Static<typeof UpdateStoreBody>;

export const StoreParams = Type.Object({ storeId: Id('store') });
export const StoreListQuery = Type.Object(
  { includeArchived: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);
