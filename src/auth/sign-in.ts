import { inDirectory, inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { findLogin, findStaffCredentials } from './queries.js';
import { openSession } from './sessions.js';
import type { SigninLimiter } from './signin-limiter.js';
import { verifyPassword } from './passwords.js';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Email + password → a new session token. Every failure looks the same to the caller (unknown
 * email, wrong password, disabled account) and takes the same time.
 */
export async function signIn(
  db: Db,
  limiter: SigninLimiter,
  input: { email: string; password: string; ip: string; userAgent: string | null; ttlHours: number },
): Promise<{ token: string; merchantId: string; staffId: string }> {
  const email = normaliseEmail(input.email);
  await limiter.assertAllowed(email, input.ip);

  const login = await inDirectory(db, (tx) => findLogin(tx, email));
  const staff = login ? await inTenant(db, login.merchant_id, (tx) => findStaffCredentials(login.merchant_id, tx, login.staff_id)) : undefined;
  const ok = await verifyPassword(staff?.password_hash ?? null, input.password);
  if (!login || !staff || !ok || staff.disabled_at !== null) {
    await limiter.recordFailure(email, input.ip);
    throw new AppError('invalid_credentials');
  }
  await limiter.recordSuccess(email);

  const token = await inTenant(db, login.merchant_id, (tx) =>
    openSession(login.merchant_id, tx, { staffId: login.staff_id, userAgent: input.userAgent, ttlHours: input.ttlHours }),
  );
  return { token, merchantId: login.merchant_id, staffId: login.staff_id };
}
