import { Type, type Static } from 'typebox';
import { Id, Name, NullableTimestamp, Timestamp } from '../platform/schemas.js';
import { RoleSchema } from '../staff/schemas.js';

export const KeyKindSchema = Type.Union([Type.Literal('publishable'), Type.Literal('secret')], {
  description: 'publishable (`pk_…`): may only send events, safe in a web page or app. secret (`sk_…`): server-to-server API, acts with its role.',
});

export const ApiKey = Type.Object(
  {
    id: Id('apiKey'),
    kind: KeyKindSchema,
    name: Type.String(),
    role: Type.Union([RoleSchema, Type.Null()]),
    storeIds: Type.Array(Type.String()),
    hint: Type.String({ description: 'The kind and last four characters, to recognise the key by.' }),
    createdAt: Timestamp,
    lastUsedAt: NullableTimestamp,
    revokedAt: NullableTimestamp,
  },
);
export type ApiKey = Static<typeof ApiKey>;

export const ApiKeyList = Type.Object({ data: Type.Array(ApiKey) });

export const CreatedApiKey = Type.Object({
  key: ApiKey,
  token: Type.String({ description: 'The key itself. It is shown this once and cannot be shown again.' }),
});

export const CreateKeyBody = Type.Object(
  {
    kind: KeyKindSchema,
    name: Name,
    role: Type.Optional(Type.Union([RoleSchema], { description: 'Secret keys only; defaults to manager.' })),
    storeIds: Type.Optional(Type.Array(Id('store'), { maxItems: 500, uniqueItems: true, description: 'Required for a clerk-role key.' })),
  },
  { additionalProperties: false },
);
export type CreateKeyBody = Static<typeof CreateKeyBody>;

export const KeyParams = Type.Object({ keyId: Id('apiKey') });
