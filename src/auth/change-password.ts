import { inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { deleteStaffSessions, findStaffCredentials, updatePasswordHash } from './queries.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** Changes a signed-in person's password and ends their other sessions. */
export async function changePassword(
  db: Db,
  merchantId: string,
  input: { staffId: string; sessionId: string; currentPassword: string; newPassword: string },
): Promise<void> {
  const staff = await inTenant(db, merchantId, (tx) => findStaffCredentials(merchantId, tx, input.staffId));
  if (!staff || !(await verifyPassword(staff.password_hash, input.currentPassword))) {
    throw new AppError('invalid_credentials', 'The current password is wrong.');
  }
  const passwordHash = await hashPassword(input.newPassword);
  await inTenant(db, merchantId, async (tx) => {
    await updatePasswordHash(merchantId, tx, input.staffId, passwordHash);
    await deleteStaffSessions(merchantId, tx, input.staffId, input.sessionId);
  });
}
