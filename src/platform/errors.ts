/**
 * The closed catalogue of error codes. Every error Reservoir answers with has one of these
 * codes; docs/errors.md lists the same codes (a test keeps the two in step).
 */
export const errorCatalogue = {
  // 400: the request itself is wrong
  validation_failed: { status: 400, message: 'The request is not valid. See details for what to fix.' },
  unknown_field: { status: 400, message: 'The request has a field this endpoint does not know.' },
  malformed_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_id: { status: 400, message: 'An id in the request is not of the expected form.' },
  // 401: who are you?
  unauthenticated: { status: 401, message: 'Sign in, or send an API key as a Bearer token.' },
  session_expired: { status: 401, message: 'Your session has ended. Sign in again.' },
  invalid_api_key: { status: 401, message: 'The API key is not valid or has been revoked.' },
  invalid_credentials: { status: 401, message: 'The email address or password is wrong.' },
  // 403: you may not
  forbidden: { status: 403, message: 'Your role does not allow this.' },
  store_not_allowed: { status: 403, message: 'You are not assigned to this store.' },
  key_not_allowed: { status: 403, message: 'A publishable key may only send events. Use a secret key or a staff session.' },
  // 404
  not_found: { status: 404, message: 'No such resource.' },
  route_not_found: { status: 404, message: 'No such endpoint.' },
  // 409: the state of things does not allow it
  conflict: { status: 409, message: 'The request conflicts with the current state of the resource.' },
  email_taken: { status: 409, message: 'A staff account with this email address already exists.' },
  setup_already_done: { status: 409, message: 'Reservoir is already set up. Sign in instead.' },
  last_owner: { status: 409, message: 'A merchant must keep at least one active owner.' },
  // 413, 415, 422
  payload_too_large: { status: 413, message: 'The request body is larger than this endpoint accepts.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  invalid_reference: { status: 422, message: 'The request refers to something that does not exist.' },
  // 429
  rate_limited: { status: 429, message: 'Too many requests. Wait a moment and try again.' },
  too_many_signin_attempts: { status: 429, message: 'Too many failed sign-ins. Wait and try again later.' },
  // 5xx
  internal_error: { status: 500, message: 'Something went wrong on our side. The request id identifies it in the logs.' },
  retry_later: { status: 503, message: 'The request collided with another one. Try again.' },
  database_unavailable: { status: 503, message: 'The database cannot be reached right now.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface ErrorDetail {
  /** JSON pointer of the offending field, e.g. `/openingHours/mon/0`. */
  path: string;
  problem: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'AppError';
    this.status = errorCatalogue[code].status;
  }
}

export function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[]) {
  return {
    error: {
      code,
      message,
      docUrl: `/errors#${code}`,
      ...(details && details.length > 0 ? { details } : {}),
    },
  };
}

/**
 * PostgreSQL errors, translated by SQLSTATE in one place (never by message text).
 * Returns null for errors that are not the caller's fault.
 */
export function fromDatabaseError(error: unknown): AppError | null {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  if (typeof code !== 'string') return null;
  switch (code) {
    case '23505':
      return new AppError('conflict');
    case '23503':
      return new AppError('invalid_reference');
    case '23514':
    case '22P02':
    case '22001':
    case '22003':
      return new AppError('validation_failed');
    case '40001':
    case '40P01':
      return new AppError('retry_later');
    case '57P01':
    case '57P03':
    case '08000':
    case '08003':
    case '08006':
      return new AppError('database_unavailable');
    default:
      return null;
  }
}

export function isSerializationFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  return code === '40001' || code === '40P01';
}
