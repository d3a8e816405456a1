import type { Selectable } from 'kysely';
import type { Tx } from '../platform/db.js';
import type { Role, StaffTable } from '../platform/schema.js';

/** All SQL of staff accounts and the sign-in directory. */

export type StaffRow = Omit<Selectable<StaffTable>, 'password_hash'>;
const columns = ['staff_id', 'merchant_id', 'email', 'name', 'role', 'store_ids', 'disabled_at', 'created_at', 'updated_at'] as const;

export async function loginExists(tx: Tx, email: string): Promise<boolean> {
  return (await tx.selectFrom('logins').select('email').where('email', '=', email).executeTakeFirst()) !== undefined;
}

/** Inserts the account and its sign-in directory entry together. */
export async function insertStaffMember(
  merchantId: string,
  tx: Tx,
  row: { staffId: string; email: string; name: string; role: Role; storeIds: string[]; passwordHash: string },
): Promise<StaffRow> {
  const staff = await tx
    .insertInto('staff')
    .values({
      merchant_id: merchantId,
      staff_id: row.staffId,
      email: row.email,
      name: row.name,
      role: row.role,
      store_ids: row.storeIds,
      password_hash: row.passwordHash,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  await tx.insertInto('logins').values({ email: row.email, merchant_id: merchantId, staff_id: row.staffId }).execute();
  return staff;
}

export async function listStaff(merchantId: string, tx: Tx): Promise<StaffRow[]> {
  return tx.selectFrom('staff').select(columns).where('merchant_id', '=', merchantId).orderBy('staff_id').execute();
}

export async function findStaff(merchantId: string, tx: Tx, staffId: string): Promise<StaffRow | undefined> {
  return tx.selectFrom('staff').select(columns).where('merchant_id', '=', merchantId).where('staff_id', '=', staffId).executeTakeFirst();
}

/** Locks the row so that concurrent changes to owners cannot leave the merchant without one. */
export async function findStaffForUpdate(merchantId: string, tx: Tx, staffId: string): Promise<StaffRow | undefined> {
  return tx
    .selectFrom('staff')
    .select(columns)
    .where('merchant_id', '=', merchantId)
    .where('staff_id', '=', staffId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateStaff(
  merchantId: string,
  tx: Tx,
  staffId: string,
  patch: Partial<{ name: string; role: Role; store_ids: string[]; disabled_at: Date | null; password_hash: string }>,
): Promise<StaffRow> {
  return tx
    .updateTable('staff')
    .set({ ...patch, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('staff_id', '=', staffId)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** Active owners, locked: changes to owners are serialised per merchant. */
export async function lockActiveOwners(merchantId: string, tx: Tx): Promise<string[]> {
  const rows = await tx
    .selectFrom('staff')
    .select('staff_id')
    .where('merchant_id', '=', merchantId)
    .where('role', '=', 'owner')
    .where('disabled_at', 'is', null)
    .forUpdate()
    .execute();
  return rows.map((r) => r.staff_id);
}
