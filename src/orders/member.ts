import { normalizeEmail, normalizeExternal, normalizePhone, type IdentityKey } from '../members/identities.js';
import { resolveMember } from '../members/stitch.js';
import type { Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { memberWithIdentity } from './queries.js';
import type { MemberInput } from './schemas.js';

/**
 * The member an order belongs to, from whatever the till knows: every identity given is
 * stitched to one member (found, created or merged), in the order's transaction. A member id
 * must exist; the other identities may be new.
 */
export async function resolveOrderMember(
  merchantId: string,
  tx: Tx,
  input: MemberInput | undefined,
  context: { region: string; orderId: string },
): Promise<string | null> {
  if (!input) return null;
  const keys = identitiesOf(input, context.region);
  if (input.memberId !== undefined) {
    const known = await memberWithIdentity(merchantId, tx, input.memberId);
    if (!known) throw new AppError('invalid_reference', 'No such member.', [{ path: '/body/member/memberId', problem: 'does not exist' }]);
    // Members are born with an identity; one without any cannot have others stitched to it.
    if (keys.length === 0 || known.kind === null || known.value === null) return known.member_id;
    keys.unshift({ kind: known.kind, value: known.value });
  }
  return resolveMember(merchantId, tx, keys, { reason: `order ${context.orderId}`, actor: `order:${context.orderId}` });
}

function identitiesOf(input: MemberInput, region: string): IdentityKey[] {
  const keys: IdentityKey[] = [];
  const refuse = (field: string, problem: string) => {
    throw new AppError('validation_failed', undefined, [{ path: `/body/member/${field}`, problem }]);
  };
  if (input.phone !== undefined) {
    const phone = normalizePhone(input.phone, region);
    if (!phone) refuse('phone', "is not a valid phone number (in the merchant's region, or with a country code)");
    else keys.push({ kind: 'phone', value: phone });
  }
  if (input.email !== undefined) {
    const email = normalizeEmail(input.email);
    if (!email) refuse('email', 'is not an email address');
    else keys.push({ kind: 'email', value: email });
  }
  if (input.externalId !== undefined) {
    const colon = input.externalId.indexOf(':');
    const external = colon > 0 ? normalizeExternal(input.externalId.slice(0, colon), input.externalId.slice(colon + 1)) : null;
    if (!external) refuse('externalId', 'must be `namespace:value`, the namespace in lower-case letters, digits, `_`, `.` or `-`');
    else keys.push({ kind: 'external', value: external });
  }
  if (input.visitorId !== undefined) {
    const visitor = input.visitorId.trim();
    if (visitor === '') refuse('visitorId', 'must not be blank');
    keys.push({ kind: 'anonymous', value: visitor });
  }
  return keys;
}
