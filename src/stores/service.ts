import { assertStoreAccess, type Principal } from '../auth/principal.js';
import { assertTimeZone } from '../merchants/service.js';
import { findMerchant } from '../merchants/queries.js';
import { inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { findStore, insertStore, listStores, updateStore, type StoreRow } from './queries.js';
import type { CreateStoreBody, Store, UpdateStoreBody } from './schemas.js';

export function toStore(row: StoreRow): Store {
  return {
    id: row.store_id,
    name: row.name,
    address: row.address,
    phone: row.phone,
    timezone: row.timezone,
    openingHours: row.opening_hours,
    archived: row.archived_at !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function createStore(db: Db, merchantId: string, body: CreateStoreBody): Promise<Store> {
  assertTimeZone(body.timezone, '/body/timezone');
  return inTenant(db, merchantId, async (tx) => {
    const merchant = await findMerchant(merchantId, tx);
    if (!merchant) throw new AppError('not_found');
    const row = await insertStore(merchantId, tx, {
      storeId: newId('store'),
      name: body.name.trim(),
      address: body.address?.trim() ?? '',
      phone: body.phone ?? null,
      timezone: body.timezone ?? merchant.timezone,
      openingHours: body.openingHours ?? {},
    });
    return toStore(row);
  });
}

/** Owners and managers see every store; a clerk sees the stores they work in. */
export async function listVisibleStores(db: Db, principal: Principal, includeArchived: boolean): Promise<Store[]> {
  const rows = await inTenant(db, principal.merchantId, (tx) =>
    listStores(principal.merchantId, tx, { storeIds: principal.storeIds, includeArchived }),
  );
  return rows.map(toStore);
}

export async function getStore(db: Db, principal: Principal, storeId: string): Promise<Store> {
  const row = await inTenant(db, principal.merchantId, (tx) => findStore(principal.merchantId, tx, storeId));
  if (!row) throw new AppError('not_found');
  assertStoreAccess(principal, storeId);
  return toStore(row);
}

export async function changeStore(db: Db, merchantId: string, storeId: string, body: UpdateStoreBody): Promise<Store> {
  assertTimeZone(body.timezone, '/body/timezone');
  const { archived, openingHours, ...rest } = body;
  const row = await inTenant(db, merchantId, async (tx) => {
    const current = await findStore(merchantId, tx, storeId);
    if (!current) return undefined;
    return updateStore(merchantId, tx, storeId, {
      ...rest,
      ...(openingHours !== undefined ? { opening_hours: openingHours } : {}),
      ...(archived !== undefined ? { archived_at: archived ? (current.archived_at ?? new Date()) : null } : {}),
    });
  });
  if (!row) throw new AppError('not_found');
  return toStore(row);
}
