import type { Selectable } from 'kysely';
import type { Tx } from '../platform/db.js';
import type { OtpCodesTable } from '../platform/schema.js';

/** All SQL of one-time codes. */

export type OtpRow = Selectable<OtpCodesTable>;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Stores a new code for a phone. Earlier codes still open are expired (only the latest code
 * works), and rows of this phone that are a day past any use are removed: they hold a phone
 * number and nothing anyone needs.
 */
export async function replaceOtp(
  merchantId: string,
  tx: Tx,
  row: { otpId: string; phone: string; codeHash: string; expiresAt: Date; now: Date },
): Promise<void> {
  await tx
    .updateTable('otp_codes')
    .set({ expires_at: row.now })
    .where('merchant_id', '=', merchantId)
    .where('phone', '=', row.phone)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', row.now)
    .execute();
  const stale = new Date(row.now.getTime() - DAY_MS);
  await tx
    .deleteFrom('otp_codes')
    .where('merchant_id', '=', merchantId)
    .where('phone', '=', row.phone)
    .where('expires_at', '<', stale)
    .where((eb) => eb.or([eb('token_expires_at', 'is', null), eb('token_expires_at', '<', stale)]))
    .execute();
  await tx
    .insertInto('otp_codes')
    .values({ merchant_id: merchantId, otp_id: row.otpId, phone: row.phone, code_hash: row.codeHash, expires_at: row.expiresAt, created_at: row.now })
    .execute();
}

/**
 * The phone's newest unused code, locked: concurrent tries of one code are counted one after
 * the other, and a code consumed meanwhile is no longer found.
 */
export async function lockLatestOtp(merchantId: string, tx: Tx, phone: string): Promise<OtpRow | undefined> {
  return tx
    .selectFrom('otp_codes')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('phone', '=', phone)
    .where('consumed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('otp_id', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function countOtpAttempt(merchantId: string, tx: Tx, otpId: string): Promise<void> {
  await tx
    .updateTable('otp_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('merchant_id', '=', merchantId)
    .where('otp_id', '=', otpId)
    .execute();
}

export async function consumeOtp(merchantId: string, tx: Tx, otpId: string, row: { at: Date; tokenHash: string; tokenExpiresAt: Date }): Promise<void> {
  await tx
    .updateTable('otp_codes')
    .set({ consumed_at: row.at, token_hash: row.tokenHash, token_expires_at: row.tokenExpiresAt })
    .where('merchant_id', '=', merchantId)
    .where('otp_id', '=', otpId)
    .execute();
}

export async function findOtp(merchantId: string, tx: Tx, otpId: string): Promise<OtpRow | undefined> {
  return tx.selectFrom('otp_codes').selectAll().where('merchant_id', '=', merchantId).where('otp_id', '=', otpId).executeTakeFirst();
}
