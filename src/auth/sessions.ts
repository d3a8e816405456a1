import type { Tx } from '../platform/db.js';
import { newId } from '../platform/ids.js';
import { insertSession } from './queries.js';
import { newSessionToken, sha256 } from './tokens.js';

/** Opens a session inside the caller's transaction; returns the cookie value (shown only here). */
export async function openSession(
  merchantId: string,
  tx: Tx,
  input: { staffId: string; userAgent: string | null; ttlHours: number },
): Promise<string> {
  const { token, secret } = newSessionToken(merchantId);
  await insertSession(merchantId, tx, {
    sessionId: newId('session'),
    staffId: input.staffId,
    tokenHash: sha256(secret),
    userAgent: input.userAgent?.slice(0, 300) ?? null,
    expiresAt: new Date(Date.now() + input.ttlHours * 3600 * 1000),
  });
  return token;
}
