import type { Static } from 'typebox';
import type * as auth from '../../src/auth/schemas.js';
import type * as merchants from '../../src/merchants/schemas.js';
import type * as platform from '../../src/platform/schemas.js';
import type * as staff from '../../src/staff/schemas.js';
import type * as stores from '../../src/stores/schemas.js';

/*
 * The only way the web app talks to the server. The types are the server's own request and
 * response schemas (type-only imports, erased by the build), so a change of shape on the
 * server breaks the web app at compile time rather than in a customer's browser.
 */

export type Merchant = Static<typeof merchants.Merchant>;
export type StaffMember = Static<typeof staff.Staff>;
export type Role = StaffMember['role'];
export type Me = Static<typeof auth.Me>;
export type SignedIn = Static<typeof auth.SignedIn>;
export type SetupStatus = Static<typeof merchants.SetupStatus>;
export type SetupBody = Static<typeof merchants.CreateMerchantBody>;
export type SignInBody = Static<typeof auth.SignInBody>;
export type ChangePasswordBody = Static<typeof auth.ChangePasswordBody>;
export type Store = Static<typeof stores.Store>;
type StoreList = Static<typeof stores.StoreList>;
export type CreateStoreBody = Static<typeof stores.CreateStoreBody>;
type ErrorResponse = Static<typeof platform.ErrorResponse>;
export type ErrorDetail = NonNullable<ErrorResponse['error']['details']>[number];

/**
 * A request the server refused, with its error code (see /errors). When the server could not
 * be reached at all the code is `network_error` and the status 0.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One request to the server; the per-domain clients (web/src/customer/api.ts, web/src/counter/api.ts) build on it. */
export async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  // A body-less POST must not claim to be JSON: the server rejects an empty JSON body.
  const init: RequestInit =
    body === undefined
      ? { method, headers: { ...headers, accept: 'application/json' } }
      : { method, headers: { ...headers, accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) };
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError(0, 'network_error', error instanceof Error ? error.message : String(error));
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response, payload);
  return payload as T;
}

function toApiError(response: Response, payload: unknown): ApiError {
  if (isErrorResponse(payload)) {
    const { code, message, details } = payload.error;
    return new ApiError(response.status, code, message, details ?? []);
  }
  return new ApiError(response.status, 'unexpected_response', `${response.status} ${response.statusText}`.trim());
}

function isErrorResponse(payload: unknown): payload is ErrorResponse {
  if (typeof payload !== 'object' || payload === null || !('error' in payload)) return false;
  const error: unknown = payload.error;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && 'message' in error && typeof error.message === 'string';
}

/** Whether first-run set-up is still to be done. */
export const getSetup = () => request<SetupStatus>('GET', '/api/setup');

/** First run: creates the business and its owner, and signs the owner in. */
export const setup = (body: SetupBody) => request<SignedIn>('POST', '/api/setup', body);

export const signIn = (body: SignInBody) => request<SignedIn>('POST', '/api/auth/sign-in', body);

export const signOut = () => request<void>('POST', '/api/auth/sign-out');

/** Who is signed in; fails with status 401 when nobody is. */
export const me = () => request<Me>('GET', '/api/auth/me');

export const changePassword = (body: ChangePasswordBody) => request<void>('POST', '/api/auth/password', body);

export const listStores = async () => (await request<StoreList>('GET', '/api/stores')).data;

export const createStore = (body: CreateStoreBody) => request<Store>('POST', '/api/stores', body);
