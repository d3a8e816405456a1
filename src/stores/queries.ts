import type { Selectable } from 'kysely';
import type { Tx } from '../platform/db.js';
import type { OpeningHours, StoresTable } from '../platform/schema.js';

/** All SQL of stores. */

export type StoreRow = Selectable<StoresTable>;

export async function insertStore(
  merchantId: string,
  tx: Tx,
  row: { storeId: string; name: string; address: string; phone: string | null; timezone: string; openingHours: OpeningHours },
): Promise<StoreRow> {
  return tx
    .insertInto('stores')
    .values({
      merchant_id: merchantId,
      store_id: row.storeId,
      name: row.name,
      address: row.address,
      phone: row.phone,
      timezone: row.timezone,
      opening_hours: JSON.stringify(row.openingHours),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listStores(
  merchantId: string,
  tx: Tx,
  filter: { storeIds: string[] | null; includeArchived: boolean },
): Promise<StoreRow[]> {
  let query = tx.selectFrom('stores').selectAll().where('merchant_id', '=', merchantId);
  if (filter.storeIds !== null) {
    if (filter.storeIds.length === 0) return [];
    query = query.where('store_id', 'in', filter.storeIds);
  }
  if (!filter.includeArchived) query = query.where('archived_at', 'is', null);
  return query.orderBy('store_id').execute();
}

export async function findStore(merchantId: string, tx: Tx, storeId: string): Promise<StoreRow | undefined> {
  return tx.selectFrom('stores').selectAll().where('merchant_id', '=', merchantId).where('store_id', '=', storeId).executeTakeFirst();
}

/** Which of `storeIds` exist and are not archived. */
export async function findActiveStoreIds(merchantId: string, tx: Tx, storeIds: string[]): Promise<string[]> {
  if (storeIds.length === 0) return [];
  const rows = await tx
    .selectFrom('stores')
    .select('store_id')
    .where('merchant_id', '=', merchantId)
    .where('store_id', 'in', storeIds)
    .where('archived_at', 'is', null)
    .execute();
  return rows.map((r) => r.store_id);
}

export async function updateStore(
  merchantId: string,
  tx: Tx,
  storeId: string,
  patch: Partial<{ name: string; address: string; phone: string | null; timezone: string; opening_hours: OpeningHours; archived_at: Date | null }>,
): Promise<StoreRow | undefined> {
  const { opening_hours, ...rest } = patch;
  return tx
    .updateTable('stores')
    .set({ ...rest, ...(opening_hours !== undefined ? { opening_hours: JSON.stringify(opening_hours) } : {}), updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('store_id', '=', storeId)
    .returningAll()
    .executeTakeFirst();
}
