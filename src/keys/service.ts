import { forgetVerifiedKey } from '../auth/principal.js';
import { newApiKey, sha256 } from '../auth/tokens.js';
import { inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Role } from '../platform/schema.js';
import { findActiveStoreIds } from '../stores/queries.js';
import { insertKey, listKeys, revokeKey, type KeyRow } from './queries.js';
import type { ApiKey, CreateKeyBody } from './schemas.js';

export function toApiKey(row: KeyRow): ApiKey {
  return {
    id: row.key_id,
    kind: row.kind,
    name: row.name,
    role: row.role,
    storeIds: row.store_ids,
    hint: row.hint,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Creates a key and returns it with its token, which is stored only as a hash. */
export async function createKey(db: Db, merchantId: string, createdBy: string | null, body: CreateKeyBody): Promise<{ key: ApiKey; token: string }> {
  const role: Role | null = body.kind === 'secret' ? (body.role ?? 'manager') : null;
  if (body.kind === 'publishable' && (body.role !== undefined || body.storeIds !== undefined)) {
    throw new AppError('validation_failed', undefined, [{ path: '/body/role', problem: 'publishable keys have no role or stores' }]);
  }
  const storeIds = body.storeIds ?? [];
  if ((role === 'clerk') !== storeIds.length > 0) {
    throw new AppError('validation_failed', undefined, [{ path: '/body/storeIds', problem: 'a clerk key needs stores, and only a clerk key has them' }]);
  }
  const { token, secret, hint } = newApiKey(body.kind, merchantId);
  const row = await inTenant(db, merchantId, async (tx) => {
    const found = new Set(await findActiveStoreIds(merchantId, tx, storeIds));
    const missing = storeIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw new AppError('invalid_reference', `No such store: ${missing.join(', ')}`);
    return insertKey(merchantId, tx, { keyId: newId('apiKey'), kind: body.kind, role, storeIds, name: body.name.trim(), tokenHash: sha256(secret), hint, createdBy });
  });
  return { key: toApiKey(row), token };
}

export async function listApiKeys(db: Db, merchantId: string): Promise<ApiKey[]> {
  return (await inTenant(db, merchantId, (tx) => listKeys(merchantId, tx))).map(toApiKey);
}

/** Revoking is immediate and permanent; revoking a revoked key changes nothing. */
export async function revokeApiKey(db: Db, merchantId: string, keyId: string): Promise<ApiKey> {
  const row = await inTenant(db, merchantId, (tx) => revokeKey(merchantId, tx, keyId));
  if (!row) throw new AppError('not_found');
  forgetVerifiedKey(keyId);
  return toApiKey(row);
}
