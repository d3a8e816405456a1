import { Type } from 'typebox';
import { Merchant } from '../merchants/schemas.js';
import { Password } from '../platform/schemas.js';
import { RoleSchema, Staff } from '../staff/schemas.js';

export const SignInBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password },
  { additionalProperties: false },
);

export const Me = Type.Object({
  merchant: Merchant,
  staff: Type.Union([Staff, Type.Null()], { description: 'The signed-in person; null when calling with a secret key.' }),
  via: Type.Union([Type.Literal('session'), Type.Literal('secret_key')]),
  role: RoleSchema,
  storeIds: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Stores a clerk may act in; null means all.' }),
});

export const SignedIn = Type.Object({ merchant: Merchant, staff: Staff });
