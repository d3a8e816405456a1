import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../platform/config.js';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { isId, newId } from '../platform/ids.js';
import { maskPhone } from '../platform/log.js';
import type { OtpLimiter } from './otp-limiter.js';
import type { MessageProvider } from './provider.js';
import { consumeOtp, countOtpAttempt, findOtp, lockLatestOtp, replaceOtp } from './queries.js';

/**
 * One-time codes that prove a customer holds a phone: six digits from the CSPRNG, stored only
 * as a hash, expiring, with a limited number of tries. A right code is exchanged for a token
 * (shown once, stored hashed) that keeps the phone verified for a while on that device.
 */

export interface OtpDeps {
  db: Db;
  provider: MessageProvider;
  limiter: OtpLimiter;
  log: Pick<FastifyBaseLogger, 'error'>;
  config: Pick<Config, 'otpTtlSeconds' | 'otpMaxAttempts' | 'verifiedPhoneMinutes'>;
}

export interface OtpMerchant {
  merchantId: string;
  name: string;
  defaultRegion: string;
}

/** A six-digit code; randomInt draws without modulo bias. */
export function newOtpCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * Six digits have only a million values, so no hash makes a leaked row unguessable offline;
 * the hash keeps codes out of backups and query logs, the row id salts it, and the expiry
 * (minutes) is what bounds the damage.
 */
function hashOtp(otpId: string, code: string): string {
  return createHash('sha256').update(`${otpId}:${code}`).digest('hex');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

const CHINESE_REGIONS = new Set(['CN', 'TW', 'HK', 'MO']);

function otpText(merchant: OtpMerchant, code: string, minutes: number): string {
  return CHINESE_REGIONS.has(merchant.defaultRegion)
    ? `【${merchant.name}】验证码 ${code}，${minutes} 分钟内有效。请勿告诉他人。`
    : `${merchant.name}: your code is ${code}. It expires in ${minutes} minutes. Do not share it.`;
}

/**
 * Sends a fresh code to a phone (E.164). The code is committed before it is sent, so a code
 * that reaches the phone can always be checked; the send happens after the commit and is
 * awaited, and a failure is the caller's `message_not_sent`. (An outbox row would have to hold
 * the code in clear until delivery, which is what hashing it avoids.)
 */
export async function sendOtp(deps: OtpDeps, merchant: OtpMerchant, phone: string, ip: string, now = new Date()): Promise<{ expiresAt: Date }> {
  await deps.limiter.take(merchant.merchantId, phone, ip);
  const code = newOtpCode();
  const otpId = newId('otp');
  const expiresAt = new Date(now.getTime() + deps.config.otpTtlSeconds * 1000);
  await inTenant(deps.db, merchant.merchantId, (tx) => replaceOtp(merchant.merchantId, tx, { otpId, phone, codeHash: hashOtp(otpId, code), expiresAt, now }));

  const minutes = Math.max(1, Math.round(deps.config.otpTtlSeconds / 60));
  const messageId = newId('message');
  try {
    await deps.provider.send({
      messageId,
      merchantId: merchant.merchantId,
      to: phone,
      purpose: 'otp',
      text: otpText(merchant, code, minutes),
      params: { merchantName: merchant.name, code, minutes: String(minutes) },
    });
  } catch (error) {
    deps.log.error({ err: error, messageId, to: maskPhone(phone) }, 'one-time code not sent');
    throw new AppError('message_not_sent');
  }
  return { expiresAt };
}

export type OtpCheck = { result: 'ok'; token: string; tokenExpiresAt: Date } | { result: 'wrong' | 'expired' };

/**
 * Checks a code against the phone's latest one, in the caller's transaction. A right code is
 * consumed and exchanged for a token. A wrong try is counted: the caller must let the
 * transaction commit (return, not throw) and raise `otpFailure` afterwards.
 */
export async function checkOtp(
  merchantId: string,
  tx: Tx,
  input: { phone: string; code: string; maxAttempts: number; tokenMinutes: number; now: Date },
): Promise<OtpCheck> {
  const row = await lockLatestOtp(merchantId, tx, input.phone);
  if (!row || row.expires_at <= input.now || row.attempts >= input.maxAttempts) return { result: 'expired' };
  if (!sameHash(row.code_hash, hashOtp(row.otp_id, input.code))) {
    await countOtpAttempt(merchantId, tx, row.otp_id);
    return { result: 'wrong' };
  }
  const secret = randomBytes(24).toString('base64url');
  const tokenExpiresAt = new Date(input.now.getTime() + input.tokenMinutes * 60_000);
  await consumeOtp(merchantId, tx, row.otp_id, { at: input.now, tokenHash: sha256(secret), tokenExpiresAt });
  return { result: 'ok', token: `${row.otp_id}.${secret}`, tokenExpiresAt };
}

export function otpFailure(result: 'wrong' | 'expired'): AppError {
  return new AppError(result === 'wrong' ? 'otp_invalid' : 'otp_expired');
}

/** The verified phone a token stands for, or null when it is malformed, unknown or expired. */
export async function phoneOfToken(merchantId: string, tx: Tx, token: string, now: Date): Promise<{ phone: string; expiresAt: Date } | null> {
  const dot = token.indexOf('.');
  const otpId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (dot < 0 || !isId('otp', otpId) || secret.length < 20 || secret.length > 100) return null;
  const row = await findOtp(merchantId, tx, otpId);
  if (!row || row.token_hash === null || row.token_expires_at === null || row.token_expires_at <= now) return null;
  return sameHash(row.token_hash, sha256(secret)) ? { phone: row.phone, expiresAt: row.token_expires_at } : null;
}

/** `POST …/otp/verify`: a code for a token, without claiming anything. */
export async function verifyOtp(deps: OtpDeps, merchantId: string, phone: string, code: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const check = await inTenant(deps.db, merchantId, (tx) =>
    checkOtp(merchantId, tx, { phone, code, maxAttempts: deps.config.otpMaxAttempts, tokenMinutes: deps.config.verifiedPhoneMinutes, now }),
  );
  if (check.result !== 'ok') throw otpFailure(check.result);
  return { token: check.token, expiresAt: check.tokenExpiresAt };
}
