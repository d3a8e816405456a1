import { sql } from 'kysely';
import type { Tx } from '../platform/db.js';
import type { Role } from '../platform/schema.js';

/** All SQL of sign-in, sessions and key checks. */

export async function findLogin(tx: Tx, email: string) {
  return tx.selectFrom('logins').select(['merchant_id', 'staff_id']).where('email', '=', email).executeTakeFirst();
}

export async function findStaffCredentials(merchantId: string, tx: Tx, staffId: string) {
  return tx
    .selectFrom('staff')
    .select(['staff_id', 'password_hash', 'disabled_at'])
    .where('merchant_id', '=', merchantId)
    .where('staff_id', '=', staffId)
    .executeTakeFirst();
}

export async function insertSession(
  merchantId: string,
  tx: Tx,
  row: { sessionId: string; staffId: string; tokenHash: string; userAgent: string | null; expiresAt: Date },
) {
  await tx
    .insertInto('sessions')
    .values({
      merchant_id: merchantId,
      session_id: row.sessionId,
      staff_id: row.staffId,
      token_hash: row.tokenHash,
      user_agent: row.userAgent,
      expires_at: row.expiresAt,
      last_seen_at: new Date(),
    })
    .execute();
}

export interface SessionPrincipalRow {
  session_id: string;
  staff_id: string;
  role: Role;
  store_ids: string[];
  expires_at: Date;
  last_seen_at: Date;
}

/** A live session of an enabled staff member, or nothing. */
export async function findLiveSession(merchantId: string, tx: Tx, tokenHash: string): Promise<SessionPrincipalRow | undefined> {
  return tx
    .selectFrom('sessions as s')
    .innerJoin('staff as st', (join) => join.onRef('st.merchant_id', '=', 's.merchant_id').onRef('st.staff_id', '=', 's.staff_id'))
    .select(['s.session_id', 's.staff_id', 'st.role', 'st.store_ids', 's.expires_at', 's.last_seen_at'])
    .where('s.merchant_id', '=', merchantId)
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('st.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function touchSession(merchantId: string, tx: Tx, sessionId: string) {
  await tx
    .updateTable('sessions')
    .set({ last_seen_at: sql`now()` })
    .where('merchant_id', '=', merchantId)
    .where('session_id', '=', sessionId)
    .execute();
}

export async function deleteSession(merchantId: string, tx: Tx, sessionId: string) {
  await tx.deleteFrom('sessions').where('merchant_id', '=', merchantId).where('session_id', '=', sessionId).execute();
}

/** Ends every session of a staff member, except `keepSessionId` when given. */
export async function deleteStaffSessions(merchantId: string, tx: Tx, staffId: string, keepSessionId?: string) {
  let query = tx.deleteFrom('sessions').where('merchant_id', '=', merchantId).where('staff_id', '=', staffId);
  if (keepSessionId) query = query.where('session_id', '!=', keepSessionId);
  await query.execute();
}

export async function findLiveKey(merchantId: string, tx: Tx, tokenHash: string) {
  return tx
    .selectFrom('api_keys')
    .select(['key_id', 'kind', 'role', 'store_ids', 'last_used_at'])
    .where('merchant_id', '=', merchantId)
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Records use at most once a minute per key, so a busy key does not write on every request. */
export async function touchKey(merchantId: string, tx: Tx, keyId: string) {
  await tx
    .updateTable('api_keys')
    .set({ last_used_at: sql`now()` })
    .where('merchant_id', '=', merchantId)
    .where('key_id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}

export async function updatePasswordHash(merchantId: string, tx: Tx, staffId: string, passwordHash: string) {
  await tx
    .updateTable('staff')
    .set({ password_hash: passwordHash, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('staff_id', '=', staffId)
    .execute();
}
