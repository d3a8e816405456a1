import type { Selectable } from 'kysely';
import type { Tx } from '../platform/db.js';
import type { ApiKeysTable, KeyKind, Role } from '../platform/schema.js';

/** All SQL of API keys (the checks on each request live in auth/queries.ts). */

export type KeyRow = Omit<Selectable<ApiKeysTable>, 'token_hash'>;
const columns = ['merchant_id', 'key_id', 'kind', 'role', 'store_ids', 'name', 'hint', 'created_by', 'created_at', 'last_used_at', 'revoked_at'] as const;

export async function insertKey(
  merchantId: string,
  tx: Tx,
  row: { keyId: string; kind: KeyKind; role: Role | null; storeIds: string[]; name: string; tokenHash: string; hint: string; createdBy: string | null },
): Promise<KeyRow> {
  return tx
    .insertInto('api_keys')
    .values({
      merchant_id: merchantId,
      key_id: row.keyId,
      kind: row.kind,
      role: row.role,
      store_ids: row.storeIds,
      name: row.name,
      token_hash: row.tokenHash,
      hint: row.hint,
      created_by: row.createdBy,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export async function listKeys(merchantId: string, tx: Tx): Promise<KeyRow[]> {
  return tx.selectFrom('api_keys').select(columns).where('merchant_id', '=', merchantId).orderBy('key_id').execute();
}

export async function revokeKey(merchantId: string, tx: Tx, keyId: string): Promise<KeyRow | undefined> {
  const revoked = await tx
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('key_id', '=', keyId)
    .where('revoked_at', 'is', null)
    .returning(columns)
    .executeTakeFirst();
  return revoked ?? tx.selectFrom('api_keys').select(columns).where('merchant_id', '=', merchantId).where('key_id', '=', keyId).executeTakeFirst();
}
