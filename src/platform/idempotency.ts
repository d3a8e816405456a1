import { createHash, randomBytes } from 'node:crypto';
import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Principal } from '../auth/principal.js';
import { inTenant, type Db, type Tx } from './db.js';
import { AppError } from './errors.js';
import type { App } from './http.js';

/**
 * The `Idempotency-Key` header of the API, with Stripe's semantics: a POST sent again with the
 * same key and the same request gets the first response again (`Idempotent-Replayed: true`)
 * instead of acting twice; the same key with a different request is `idempotency_key_reused`;
 * a key whose first request is still running is `idempotency_key_in_flight`.
 *
 * Keys belong to one caller (a staff member or an API key) of one merchant, live 24 hours, and
 * name one request: method, path and canonical body. The key is claimed (an `in_flight` row,
 * committed) after authentication, authorization and validation, just before the handler, so
 * a request turned away before it starts saves nothing and may be fixed and retried under the
 * same key. The response is stored when it is sent. A 5xx or 429 answer releases the key
 * instead: every change runs in one transaction, so such a request changed nothing and its
 * retry must run again.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: this POST ignores Idempotency-Key (its answer carries a secret or a cookie that is never stored). */
    idempotency?: boolean;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
const TTL = '24 hours';
/** An in-flight claim this old belongs to a process that died mid-request; the same request may take it over. */
const ABANDONED_AFTER = '5 minutes';
const PURGE_EVERY_MS = 10 * 60 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * POSTs whose answers must not be stored, although their routes predate the `idempotency`
 * flag: a new API key is shown once and only its hash is kept; sign-in, sign-out and password
 * changes answer with session cookies. They ignore the header (their routes can say so
 * themselves with `config.idempotency: false`).
 */
const NOT_STORED = new Set(['POST /api/keys', 'POST /api/auth/sign-in', 'POST /api/auth/sign-out', 'POST /api/auth/password']);

interface Claim {
  merchantId: string;
  caller: string;
  key: string;
  claimId: string;
}

type ClaimOutcome =
  | { kind: 'claimed'; claimId: string }
  | { kind: 'replay'; status: number; type: string | null; body: string }
  | { kind: 'reused' }
  | { kind: 'in_flight' };

/** The JSON text of a value with object keys sorted at every depth, so equal bodies hash alike. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 of method, path (with query, without a trailing slash) and canonical body. */
export function requestHash(method: string, url: string, body: unknown): string {
  const [path = '', query] = url.split('?', 2);
  const normalised = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${normalised}${query !== undefined ? `?${query}` : ''}\n${canonicalJson(body)}`)
    .digest('hex');
}

/** Who owns a key: keys of different staff members or API keys never collide. */
export function callerOf(principal: Principal): string {
  return principal.staffId ? `staff:${principal.staffId}` : `key:${principal.keyId ?? 'unknown'}`;
}

function parseKey(header: string | string[]): string {
  const key = Array.isArray(header) ? header.join(',') : header;
  if (!KEY.test(key)) {
    throw new AppError('validation_failed', 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.', [
      { path: '/headers/idempotency-key', problem: 'must be 1 to 255 visible ASCII characters (a UUID works well)' },
    ]);
  }
  return key;
}

/**
 * POSTs of a route under /api whose callers are staff or secret keys. Public routes have no
 * merchant; publishable ones (event ingestion) dedupe by messageId.
 */
function covers(url: string | undefined, config: FastifyContextConfig | undefined): boolean {
  if (!url?.startsWith('/api/') || config?.idempotency === false || NOT_STORED.has(`POST ${url}`)) return false;
  return Array.isArray(config?.auth);
}

/** The header as the API reference shows it; a malformed key fails validation like any field. */
const HeaderSchema = Type.Object({
  [IDEMPOTENCY_HEADER]: Type.Optional(
    Type.String({ pattern: KEY.source, description: 'Makes this POST safe to retry: the same key and body within 24 hours answer the first response again (see docs/api.md).' }),
  ),
});

export function registerIdempotency(app: App, db: Db): void {
  const claims = new WeakMap<FastifyRequest, Claim>();
  const purgedAt = new Map<string, number>();

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST') || !covers(route.url, route.config)) return;
    if (route.schema && !route.schema.headers) route.schema = { ...route.schema, headers: HeaderSchema };
  });

  // Registered after registerAuth: this runs after authorization, as the last step before the handler.
  app.addHook('preHandler', async (request, reply) => {
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || request.method !== 'POST' || !covers(request.routeOptions.url, request.routeOptions.config) || !request.principal) return;
    const claim = { merchantId: request.principal.merchantId, caller: callerOf(request.principal), key: parseKey(header) };
    const hash = requestHash(request.method, request.url, request.body);
    const purge = Date.now() - (purgedAt.get(claim.merchantId) ?? 0) > PURGE_EVERY_MS;
    if (purge) purgedAt.set(claim.merchantId, Date.now());
    const outcome = await inTenant(db, claim.merchantId, async (tx) => {
      if (purge) await purgeExpiredIdempotencyKeys(claim.merchantId, tx);
      return claimKey(claim.merchantId, tx, { ...claim, hash });
    });
    switch (outcome.kind) {
      case 'claimed':
        claims.set(request, { ...claim, claimId: outcome.claimId });
        return;
      case 'replay':
        return replay(reply, outcome);
      case 'reused':
        throw new AppError('idempotency_key_reused');
      case 'in_flight':
        throw new AppError('idempotency_key_in_flight', undefined, undefined, { 'retry-after': '1' });
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = claims.get(request);
    if (!claim) return payload;
    claims.delete(request);
    try {
      await finish(db, claim, reply, payload);
    } catch (error) {
      // The request itself succeeded or failed on its own; only its replay is lost. The claim
      // stays in flight until it counts as abandoned, then a retry runs again.
      request.log.error({ err: error }, 'could not store the idempotent response');
    }
    return payload;
  });

  // Should a response end without onSend (the connection torn down first), free the key.
  app.addHook('onResponse', async (request) => {
    const claim = claims.get(request);
    if (!claim) return;
    claims.delete(request);
    await inTenant(db, claim.merchantId, (tx) => releaseKey(claim.merchantId, tx, claim)).catch((error: unknown) =>
      request.log.error({ err: error }, 'could not release an idempotency key'),
    );
  });
}

function replay(reply: FastifyReply, saved: { status: number; type: string | null; body: string }): FastifyReply {
  reply.code(saved.status).header(REPLAYED_HEADER, 'true');
  if (saved.type) reply.type(saved.type);
  return saved.body === '' ? reply.send() : reply.send(saved.body);
}

async function finish(db: Db, claim: Claim, reply: FastifyReply, payload: unknown): Promise<void> {
  const status = reply.statusCode;
  const body = payload === null || payload === undefined ? '' : typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  const type = reply.getHeader('content-type');
  await inTenant(db, claim.merchantId, (tx) =>
    status >= 500 || status === 429 || body === null
      ? releaseKey(claim.merchantId, tx, claim)
      : storeResponse(claim.merchantId, tx, claim, { status, type: typeof type === 'string' ? type : null, body }),
  );
}

/**
 * Claims the key for this request, or says why not. A row past its expiry, or an abandoned
 * in-flight claim of the same request, is taken over in the same statement, so two callers
 * never both win.
 */
async function claimKey(merchantId: string, tx: Tx, c: { caller: string; key: string; hash: string }): Promise<ClaimOutcome> {
  const claimId = randomBytes(12).toString('hex');
  const { rows } = await sql<{ claim_id: string }>`
    INSERT INTO idempotency_keys (merchant_id, principal, idempotency_key, request_hash, claim_id, state, claimed_at, expires_at)
    VALUES (${merchantId}, ${c.caller}, ${c.key}, ${c.hash}, ${claimId}, 'in_flight', now(), now() + ${TTL}::interval)
    ON CONFLICT (merchant_id, principal, idempotency_key) DO UPDATE
       SET request_hash = excluded.request_hash, claim_id = excluded.claim_id, state = 'in_flight',
           response_status = NULL, response_type = NULL, response_body = NULL,
           claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
     WHERE idempotency_keys.expires_at <= now()
        OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.request_hash = excluded.request_hash
            AND idempotency_keys.claimed_at < now() - ${ABANDONED_AFTER}::interval)
    RETURNING claim_id`.execute(tx);
  if (rows[0]?.claim_id === claimId) return { kind: 'claimed', claimId };

  const held = await tx
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'state', 'response_status', 'response_type', 'response_body'])
    .where('merchant_id', '=', merchantId)
    .where('principal', '=', c.caller)
    .where('idempotency_key', '=', c.key)
    .executeTakeFirstOrThrow();
  if (held.request_hash !== c.hash) return { kind: 'reused' };
  if (held.state === 'in_flight' || held.response_status === null) return { kind: 'in_flight' };
  return { kind: 'replay', status: held.response_status, type: held.response_type, body: held.response_body ?? '' };
}

async function storeResponse(merchantId: string, tx: Tx, claim: Claim, response: { status: number; type: string | null; body: string }): Promise<void> {
  await tx
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: response.status, response_type: response.type, response_body: response.body })
    .where('merchant_id', '=', merchantId)
    .where('principal', '=', claim.caller)
    .where('idempotency_key', '=', claim.key)
    .where('claim_id', '=', claim.claimId)
    .execute();
}

async function releaseKey(merchantId: string, tx: Tx, claim: Claim): Promise<void> {
  await tx
    .deleteFrom('idempotency_keys')
    .where('merchant_id', '=', merchantId)
    .where('principal', '=', claim.caller)
    .where('idempotency_key', '=', claim.key)
    .where('claim_id', '=', claim.claimId)
    .where('state', '=', 'in_flight')
    .execute();
}

/** Removes a merchant's expired keys (they are already ignored; this keeps the table small). Returns how many. */
export async function purgeExpiredIdempotencyKeys(merchantId: string, tx: Tx): Promise<number> {
  const result = await tx
    .deleteFrom('idempotency_keys')
    .where('merchant_id', '=', merchantId)
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
