import { sql } from 'kysely';
import { hashPassword } from '../auth/passwords.js';
import { openSession } from '../auth/sessions.js';
import { normaliseEmail } from '../auth/sign-in.js';
import { inDirectory, inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { isTimeZone } from '../platform/schemas.js';
import { insertStaffMember, loginExists } from '../staff/queries.js';
import { toStaff } from '../staff/service.js';
import type { Staff } from '../staff/schemas.js';
import { anyMerchantExists, findMerchant, insertMerchant, updateMerchant, type MerchantRow } from './queries.js';
import type { CreateMerchantBody, Merchant, UpdateMerchantBody } from './schemas.js';

export function toMerchant(row: MerchantRow): Merchant {
  return {
    id: row.merchant_id,
    name: row.name,
    timezone: row.timezone,
    defaultRegion: row.default_region,
    currency: row.currency,
    attributionWindowDays: row.attribution_window_days,
    createdAt: row.created_at.toISOString(),
  };
}

export function assertTimeZone(value: string | undefined, path: string): void {
  if (value !== undefined && !isTimeZone(value)) {
    throw new AppError('validation_failed', undefined, [{ path, problem: 'is not a known IANA time zone' }]);
  }
}

export async function isSetupNeeded(db: Db): Promise<boolean> {
  return !(await inDirectory(db, anyMerchantExists));
}

/**
 * Creates a merchant with its first owner in one transaction. With `firstRunOnly`, it refuses
 * once any merchant exists (the web set-up page); the advisory lock makes two simultaneous
 * set-ups create one merchant, not two.
 */
export async function createMerchantWithOwner(
  db: Db,
  input: CreateMerchantBody & { firstRunOnly?: boolean; openSessionFor?: { userAgent: string | null; ttlHours: number } },
): Promise<{ merchant: Merchant; owner: Staff; sessionToken: string | null }> {
  assertTimeZone(input.timezone, '/body/timezone');
  const email = normaliseEmail(input.ownerEmail);
  const passwordHash = await hashPassword(input.ownerPassword);
  const merchantId = newId('merchant');
  const staffId = newId('staff');
  return inTenant(db, merchantId, async (tx) => {
    if (input.firstRunOnly) {
      await sql`select pg_advisory_xact_lock(hashtext('reservoir.first-run'))`.execute(tx);
      if (await anyMerchantExists(tx)) throw new AppError('setup_already_done');
    }
    if (await loginExists(tx, email)) throw new AppError('email_taken');
    const merchant = await insertMerchant(merchantId, tx, {
      name: input.merchantName.trim(),
      timezone: input.timezone ?? 'Asia/Shanghai',
      defaultRegion: input.defaultRegion ?? 'CN',
      currency: input.currency ?? 'CNY',
    });
    const owner = await insertStaffMember(merchantId, tx, {
      staffId,
      email,
      name: input.ownerName.trim(),
      role: 'owner',
      storeIds: [],
      passwordHash,
    });
    const sessionToken = input.openSessionFor ? await openSession(merchantId, tx, { staffId, ...input.openSessionFor }) : null;
    return { merchant: toMerchant(merchant), owner: toStaff(owner), sessionToken };
  });
}

export async function getMerchant(db: Db, merchantId: string): Promise<Merchant> {
  const row = await inTenant(db, merchantId, (tx) => findMerchant(merchantId, tx));
  if (!row) throw new AppError('not_found');
  return toMerchant(row);
}

export async function changeMerchant(db: Db, merchantId: string, body: UpdateMerchantBody): Promise<Merchant> {
  assertTimeZone(body.timezone, '/body/timezone');
  const row = await inTenant(db, merchantId, (tx) =>
    updateMerchant(merchantId, tx, {
      ...(body.name !== undefined ? { name: body.name.trim() } : {}),
      ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
      ...(body.defaultRegion !== undefined ? { default_region: body.defaultRegion } : {}),
      ...(body.currency !== undefined ? { currency: body.currency } : {}),
      ...(body.attributionWindowDays !== undefined ? { attribution_window_days: body.attributionWindowDays } : {}),
    }),
  );
  if (!row) throw new AppError('not_found');
  return toMerchant(row);
}
