import { Type, type TSchema } from 'typebox';
import { idPrefixes, type IdKind } from './ids.js';

/** Shared request/response building blocks. */

export function Id(kind: IdKind, description?: string) {
  return Type.String({
    pattern: `^${idPrefixes[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`,
    description: description ?? `${kind} id (\`${idPrefixes[kind]}_…\`)`,
    examples: [`${idPrefixes[kind]}_01JD3W6Q0S7RK9V2B8X4M5N6PA`],
  });
}

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters.' });
export const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. `Asia/Shanghai`.' });
export const Name = Type.String({ minLength: 1, maxLength: 200 });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      docUrl: Type.String(),
      details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), problem: Type.String() }))),
    }),
  },
);

/** Error responses every authenticated route can give, for the OpenAPI document. */
export function withErrors<T extends Record<number, TSchema>>(responses: T) {
  return { ...responses, '4xx': ErrorResponse, '5xx': ErrorResponse };
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
