import type { Tx } from '../platform/db.js';
import type { MerchantsTable } from '../platform/schema.js';
import type { Selectable } from 'kysely';

/** All SQL of merchants. */

export type MerchantRow = Selectable<MerchantsTable>;

export async function insertMerchant(
  merchantId: string,
  tx: Tx,
  row: { name: string; timezone: string; defaultRegion: string; currency: string },
): Promise<MerchantRow> {
  return tx
    .insertInto('merchants')
    .values({ merchant_id: merchantId, name: row.name, timezone: row.timezone, default_region: row.defaultRegion, currency: row.currency })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findMerchant(merchantId: string, tx: Tx): Promise<MerchantRow | undefined> {
  return tx.selectFrom('merchants').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst();
}

export async function updateMerchant(
  merchantId: string,
  tx: Tx,
  patch: Partial<Pick<MerchantRow, 'name' | 'timezone' | 'default_region' | 'currency' | 'attribution_window_days'>>,
): Promise<MerchantRow | undefined> {
  return tx
    .updateTable('merchants')
    .set({ ...patch, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .returningAll()
    .executeTakeFirst();
}

/** True once any merchant has been created (read from the cross-tenant sign-in directory). */
export async function anyMerchantExists(tx: Tx): Promise<boolean> {
  const row = await tx.selectFrom('logins').select('merchant_id').limit(1).executeTakeFirst();
  return row !== undefined;
}
