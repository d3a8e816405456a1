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
  // taps
  slug_taken: { status: 409, message: 'This short link name is already used. Choose another one.' },
  channel_name_taken: { status: 409, message: 'A channel with this name already exists.' },
  // orders and idempotency
  order_conflict: { status: 409, message: 'An order with this externalId already exists with different contents.' },
  order_total_mismatch: { status: 422, message: 'The items, discount and total of the order do not add up.' },
  refund_exceeds_remaining: { status: 409, message: 'The refund is more than what is left to refund on this order.' },
  order_voided: { status: 409, message: 'The order is void.' },
  order_not_voidable: { status: 409, message: 'An order that has refunds cannot be voided.' },
  idempotency_key_reused: { status: 422, message: 'This Idempotency-Key was already used with a different request.' },
  idempotency_key_in_flight: { status: 409, message: 'A request with this Idempotency-Key is still being processed.' },
  // offers, one-time codes, claims and the counter
  invalid_state_transition: { status: 409, message: 'The offer cannot move to that state from its current one.' },
  offer_ended: { status: 409, message: 'The offer has ended and can no longer be changed.' },
  offer_not_live: { status: 409, message: 'This offer is not open for claims right now.' },
  offer_sold_out: { status: 409, message: 'This offer has been fully claimed.' },
  claim_limit_reached: { status: 409, message: 'You already have as many coupons of this offer as one person may claim.' },
  slot_full: { status: 409, message: 'This time slot is fully booked. Choose another one.' },
  otp_invalid: { status: 401, message: 'The code is not right. Check it and try again.' },
  otp_expired: { status: 401, message: 'This code has expired or was tried too many times. Ask for a new one.' },
  otp_rate_limited: { status: 429, message: 'Too many codes were requested. Wait and try again later.' },
  message_not_sent: { status: 502, message: 'The code could not be sent right now. Try again in a moment.' },
  phone_token_invalid: { status: 401, message: 'Your phone verification has expired. Ask for a new code.' },
  invalid_coupon_code: { status: 404, message: 'No coupon has this code. Check it and try again.' },
  coupon_already_redeemed: { status: 409, message: 'This coupon has already been redeemed.' },
  coupon_not_yet_valid: { status: 409, message: 'This coupon is not valid yet.' },
  coupon_expired: { status: 409, message: 'This coupon has expired.' },
  coupon_not_valid_here: { status: 409, message: 'This coupon is not valid at this store.' },
  minimum_spend_not_met: { status: 422, message: 'The purchase is below the minimum spend of this coupon.' },
  request_id_reused: { status: 422, message: 'This requestId was already used for a different redemption.' },
  too_many_wrong_codes: { status: 429, message: 'Too many wrong coupon codes. Wait and try again later.' },
  undo_window_passed: { status: 409, message: 'This redemption is too old to undo.' },
  redemption_already_undone: { status: 409, message: 'This redemption has already been undone.' },
  redemption_other_store: { status: 409, message: 'This redemption was made at another store; undo it there.' },
  // answers
  analytics_invalid_period: { status: 400, message: 'The period is not valid: from and to must be real days (YYYY-MM-DD) and from must not be after to.' },
  analytics_period_too_long: { status: 400, message: 'The period is too long: at most 731 days.' },
  analytics_filter_not_supported: { status: 400, message: 'This question cannot be filtered that way. See docs/metrics.md for the filters each question takes.' },
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
