import { hashPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { deleteStaffSessions } from '../auth/queries.js';
import { normaliseEmail } from '../auth/sign-in.js';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Role } from '../platform/schema.js';
import { findActiveStoreIds } from '../stores/queries.js';
import { findStaff, findStaffForUpdate, insertStaffMember, listStaff, lockActiveOwners, loginExists, updateStaff, type StaffRow } from './queries.js';
import type { CreateStaffBody, Staff, UpdateStaffBody } from './schemas.js';

export function toStaff(row: StaffRow): Staff {
  return {
    id: row.staff_id,
    email: row.email,
    name: row.name,
    role: row.role,
    storeIds: row.store_ids,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
  };
}

/** Managers manage clerks; only owners manage owners and managers. */
function assertMayManage(actor: Principal, ...roles: Role[]): void {
  if (actor.role === 'owner') return;
  if (actor.role === 'manager' && roles.every((r) => r === 'clerk')) return;
  throw new AppError('forbidden', 'Only an owner can manage owners and managers.');
}

/** A clerk works in one or more existing stores; owners and managers see every store. */
async function checkedStoreIds(merchantId: string, tx: Tx, role: Role, storeIds: string[]): Promise<string[]> {
  if (role !== 'clerk') {
    if (storeIds.length > 0) {
      throw new AppError('validation_failed', undefined, [{ path: '/body/storeIds', problem: 'only clerks are bound to stores' }]);
    }
    return [];
  }
  if (storeIds.length === 0) {
    throw new AppError('validation_failed', undefined, [{ path: '/body/storeIds', problem: 'a clerk needs at least one store' }]);
  }
  const found = new Set(await findActiveStoreIds(merchantId, tx, storeIds));
  const missing = storeIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new AppError('invalid_reference', `No such store: ${missing.join(', ')}`);
  return storeIds;
}

export async function listStaffMembers(db: Db, merchantId: string): Promise<Staff[]> {
  return (await inTenant(db, merchantId, (tx) => listStaff(merchantId, tx))).map(toStaff);
}

export async function getStaffMember(db: Db, merchantId: string, staffId: string): Promise<Staff> {
  const row = await inTenant(db, merchantId, (tx) => findStaff(merchantId, tx, staffId));
  if (!row) throw new AppError('not_found');
  return toStaff(row);
}

export async function createStaffMember(db: Db, actor: Principal, body: CreateStaffBody): Promise<Staff> {
  assertMayManage(actor, body.role);
  const merchantId = actor.merchantId;
  const email = normaliseEmail(body.email);
  const passwordHash = await hashPassword(body.password);
  return inTenant(db, merchantId, async (tx) => {
    const storeIds = await checkedStoreIds(merchantId, tx, body.role, body.storeIds ?? []);
    if (await loginExists(tx, email)) throw new AppError('email_taken');
    const row = await insertStaffMember(merchantId, tx, { staffId: newId('staff'), email, name: body.name.trim(), role: body.role, storeIds, passwordHash });
    return toStaff(row);
  });
}

export async function updateStaffMember(db: Db, actor: Principal, staffId: string, body: UpdateStaffBody): Promise<Staff> {
  const merchantId = actor.merchantId;
  const passwordHash = body.password !== undefined ? await hashPassword(body.password) : undefined;
  return inTenant(db, merchantId, async (tx) => {
    const owners = await lockActiveOwners(merchantId, tx);
    const current = await findStaffForUpdate(merchantId, tx, staffId);
    if (!current) throw new AppError('not_found');
    const role = body.role ?? current.role;
    assertMayManage(actor, current.role, role);

    const losesOwner = current.role === 'owner' && current.disabled_at === null && (role !== 'owner' || body.disabled === true);
    if (losesOwner && owners.length <= 1) throw new AppError('last_owner');

    const storeIds = await checkedStoreIds(merchantId, tx, role, body.storeIds ?? (role === 'clerk' ? current.store_ids : []));
    const disabledAt = body.disabled === undefined ? current.disabled_at : body.disabled ? (current.disabled_at ?? new Date()) : null;
    const row = await updateStaff(merchantId, tx, staffId, {
      ...(body.name !== undefined ? { name: body.name.trim() } : {}),
      role,
      store_ids: storeIds,
      disabled_at: disabledAt,
      ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
    });
    // A new password or a disabled account ends every open session of that person.
    if (passwordHash !== undefined || body.disabled === true) await deleteStaffSessions(merchantId, tx, staffId);
    return toStaff(row);
  });
}
