import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { App } from '../platform/http.js';
import type { Role } from '../platform/schema.js';
import { findLiveKey, findLiveSession, touchKey, touchSession } from './queries.js';
import { parseApiKey, parseSessionToken, sha256 } from './tokens.js';

/** Who is calling: a signed-in staff member, a secret key, or a publishable key. */
export interface Principal {
  merchantId: string;
  via: 'session' | 'secret_key' | 'publishable_key';
  /** null for publishable keys, which may only send events. */
  role: Role | null;
  /** The stores a clerk is bound to; null means every store. */
  storeIds: string[] | null;
  staffId: string | null;
  sessionId: string | null;
  keyId: string | null;
}

/**
 * Each route declares who may call it: `public` (anyone), `publishable` (a publishable or
 * secret key: event ingestion), or the staff roles allowed. A route under /api that declares
 * nothing does not start, so nothing is open by accident.
 */
export type AuthRule = 'public' | 'publishable' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRule;
    /**
     * A `publishable` route that also takes the key from the body's `writeKey` (analytics.js
     * sends it there, not in a header); the route authenticates it with `authenticateApiKey`.
     */
    writeKeyInBody?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'rsv_session';
export const ALL_ROLES: readonly Role[] = ['owner', 'manager', 'clerk'];
export const MANAGERS: readonly Role[] = ['owner', 'manager'];
export const OWNERS: readonly Role[] = ['owner'];

const SESSION_TOUCH_MS = 5 * 60 * 1000;

/**
 * Publishable keys a process has verified lately. Event ingestion checks its key on every
 * request; a database round trip for each was the largest fixed cost of a batch. A publishable
 * key can only send events, so the price is small: a key revoked through another process is
 * still accepted by this one for up to `PUBLISHABLE_KEY_CACHE_SECONDS` (revoked here: at once).
 * Secret keys and sessions are always checked against the database.
 */
let verifiedWriteKeys: LRUCache<string, Principal> | null = null;

export function registerAuth(app: App, db: Db, options: { publishableKeyCacheSeconds: number }): void {
  app.decorateRequest('principal', null);
  verifiedWriteKeys = options.publishableKeyCacheSeconds > 0 ? new LRUCache({ max: 10_000, ttl: options.publishableKeyCacheSeconds * 1000 }) : null;

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && route.config?.auth === undefined) {
      throw new Error(`Route ${route.method} ${route.url} must declare config.auth`);
    }
  });

  // Authentication runs before the body is parsed: an anonymous caller is turned away cheaply.
  app.addHook('onRequest', async (request, reply) => {
    const rule = request.routeOptions.config.auth;
    if (rule === undefined || rule === 'public') return;
    const { config } = request.routeOptions;
    if (config.writeKeyInBody && !request.headers.authorization && !request.cookies[SESSION_COOKIE]) return;
    const principal = await authenticate(db, request, reply);
    if (principal.via === 'publishable_key' && rule !== 'publishable') throw new AppError('key_not_allowed');
    request.principal = principal;
  });

  // Authorization runs after validation (validate → authorize → act).
  app.addHook('preHandler', async (request) => {
    const rule = request.routeOptions.config.auth;
    if (!Array.isArray(rule)) return;
    const role = request.principal?.role;
    if (!role || !rule.includes(role)) throw new AppError('forbidden');
  });
}

async function authenticate(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
  const header = request.headers.authorization;
  if (header) return authenticateApiKey(db, keyFromHeader(header));

  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) throw new AppError('unauthenticated');
  const parsed = parseSessionToken(cookie);
  const session = parsed
    ? await inTenant(db, parsed.merchantId, async (tx) => {
        const row = await findLiveSession(parsed.merchantId, tx, sha256(parsed.secret));
        if (row && Date.now() - row.last_seen_at.getTime() > SESSION_TOUCH_MS) await touchSession(parsed.merchantId, tx, row.session_id);
        return row;
      })
    : undefined;
  if (!parsed || !session) {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    throw new AppError('session_expired');
  }
  return {
    merchantId: parsed.merchantId,
    via: 'session',
    role: session.role,
    storeIds: session.role === 'clerk' ? session.store_ids : null,
    staffId: session.staff_id,
    sessionId: session.session_id,
    keyId: null,
  };
}

/**
 * The key of an Authorization header: `Bearer <key>`, or HTTP Basic with the key as the user
 * name and an empty password, which is how Segment's clients send their write key.
 */
function keyFromHeader(header: string): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer?.[1]) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic?.[1]) return '';
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(0, colon);
}

/** The principal of an API key (`pk_…` or `sk_…`); `invalid_api_key` when it is malformed, unknown or revoked. */
export async function authenticateApiKey(db: Db, token: string): Promise<Principal> {
  const parsed = parseApiKey(token);
  if (!parsed) throw new AppError('invalid_api_key');
  const cacheKey = parsed.kind === 'publishable' ? `${parsed.merchantId}:${sha256(parsed.secret)}` : null;
  const cached = cacheKey ? verifiedWriteKeys?.get(cacheKey) : undefined;
  if (cached) return cached;
  const key = await inTenant(db, parsed.merchantId, async (tx) => {
    const row = await findLiveKey(parsed.merchantId, tx, sha256(parsed.secret));
    if (row && row.kind === parsed.kind) await touchKey(parsed.merchantId, tx, row.key_id);
    return row;
  });
  if (!key || key.kind !== parsed.kind) throw new AppError('invalid_api_key');
  const principal: Principal = {
    merchantId: parsed.merchantId,
    via: key.kind === 'secret' ? 'secret_key' : 'publishable_key',
    role: key.role,
    storeIds: key.role === 'clerk' ? key.store_ids : null,
    staffId: null,
    sessionId: null,
    keyId: key.key_id,
  };
  if (cacheKey) verifiedWriteKeys?.set(cacheKey, principal);
  return principal;
}

/** A key was revoked: this process stops accepting it at once. */
export function forgetVerifiedKey(keyId: string): void {
  if (!verifiedWriteKeys) return;
  for (const [cacheKey, principal] of verifiedWriteKeys.entries()) {
    if (principal.keyId === keyId) verifiedWriteKeys.delete(cacheKey);
  }
}

/** The caller of a route that requires authentication (set by the onRequest hook). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated');
  return request.principal;
}

/** Clerks act only in the stores they are bound to. */
export function assertStoreAccess(principal: Principal, storeId: string): void {
  if (principal.storeIds !== null && !principal.storeIds.includes(storeId)) throw new AppError('store_not_allowed');
}
