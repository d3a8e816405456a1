import type { Tx } from '../platform/db.js';
import { newId } from '../platform/ids.js';
import { distinctIdentities, identityKeyString, type IdentityKey } from './identities.js';
import { isSettled, planStitch, type KnownState, type StitchPlan, type Tie } from './plan.js';
import {
  applyMerge,
  findIdentityOwners,
  insertIdentities,
  insertMembers,
  lockIdentityKeys,
  keyShareLiveMembers,
  lockMembers,
  mergeTraits,
  type OwnerRow,
} from './queries.js';
import { recomputeTouches } from './touches.js';

export type { Tie } from './plan.js';

/**
 * An identity was filed by a writer that did not take its lock. The whole transaction is run
 * again (inTenant retries SQLSTATE 40001), which then sees that identity and merges properly.
 */
class IdentityTaken extends Error {
  readonly code = '40001';
  constructor() {
    super('an identity was filed by another transaction while it was being stitched');
  }
}

/**
 * Finds, creates or merges the members these ties speak of, in the caller's transaction, and
 * returns the member of each tie (in order). Concurrent callers never create two members for
 * one person: each identity is decided under its advisory lock, and member rows are locked
 * before anything is filed under them.
 */
export async function stitch(merchantId: string, tx: Tx, ties: Tie[]): Promise<string[]> {
  if (ties.length === 0) return [];
  for (const tie of ties) {
    if (tie.identities.length === 0) throw new Error('a tie needs at least one identity');
  }
  const keys = distinctIdentities(ties.flatMap((t) => t.identities));

  // The common case, an event of someone already known, takes no identity lock: only a
  // key-share lock on the member, so that a concurrent merge waits until the event is filed.
  // Nothing is locked before we know the ties change nothing, because a share lock upgraded
  // below lets two callers deadlock. (Only the rare fall-through after a concurrent merge still
  // upgrades; PostgreSQL then aborts one of the two and inTenant runs it again.)
  const seen = await findIdentityOwners(merchantId, tx, keys);
  const known = knownFrom(seen);
  if (seen.every((r) => r.merged_into === null) && isSettled(ties, known)) {
    const stillLive = await keyShareLiveMembers(merchantId, tx, [...known.members.keys()]);
    if (stillLive) return ties.map((t) => known.owners.get(identityKeyString(t.identities[0]!))!);
  }

  await lockIdentityKeys(merchantId, tx, keys);
  const current = await currentState(merchantId, tx, keys);
  const plan = planStitch(ties, current, () => newId('member'), new Date());
  await applyPlan(merchantId, tx, plan);
  return plan.tieMembers;
}

/**
 * The member for a set of identities, found, created or merged in the caller's transaction.
 * This is what other domains call when a fact ties identities to a person (a claim with a
 * verified phone, an order with a member code).
 *
 * @example
 *   const memberId = await resolveMember(merchantId, tx,
 *     [{ kind: 'phone', value: '+8613812345678' }, { kind: 'anonymous', value: visitorId }],
 *     { reason: 'claim offer off_…', actor: 'claim:cpn_…' });
 */
export async function resolveMember(
  merchantId: string,
  tx: Tx,
  identities: IdentityKey[],
  why: { reason: string; actor: string; traits?: Record<string, unknown> },
): Promise<string> {
  const [memberId] = await stitch(merchantId, tx, [{ identities, reason: why.reason, actor: why.actor, ...(why.traits ? { traits: why.traits } : {}) }]);
  return memberId!;
}

/**
 * Owners of the keys, with every member involved locked for update and merged members
 * replaced by their survivors. Called under the keys' advisory locks, so no identity of these
 * keys can be filed meanwhile; a member can only be merged away, which its lock makes us see.
 */
async function currentState(merchantId: string, tx: Tx, keys: IdentityKey[]): Promise<KnownState> {
  const rows = await findIdentityOwners(merchantId, tx, keys);
  const live = new Map<string, Date>();
  const survivorOf = new Map<string, string>();
  let pending = rows.map((r) => r.member_id);
  // Merges point straight at their survivor, but a survivor may itself be merged meanwhile.
  for (let hops = 0; pending.length > 0 && hops < 10; hops++) {
    const next: string[] = [];
    for (const m of await lockMembers(merchantId, tx, pending)) {
      if (m.merged_into === null) live.set(m.member_id, m.created_at);
      else {
        survivorOf.set(m.member_id, m.merged_into);
        if (!live.has(m.merged_into)) next.push(m.merged_into);
      }
    }
    pending = next;
  }
  const follow = (id: string): string => {
    let current = id;
    for (let i = 0; i < 20 && !live.has(current); i++) current = survivorOf.get(current) ?? current;
    return current;
  };
  const owners = new Map(rows.map((r) => [identityKeyString(r), follow(r.member_id)]));
  const members = new Map([...live].map(([memberId, createdAt]) => [memberId, { memberId, createdAt }]));
  return { owners, members };
}

function knownFrom(rows: OwnerRow[]): KnownState {
  return {
    owners: new Map(rows.map((r) => [identityKeyString(r), r.member_id])),
    members: new Map(rows.map((r) => [r.member_id, { memberId: r.member_id, createdAt: r.created_at }])),
  };
}

async function applyPlan(merchantId: string, tx: Tx, plan: StitchPlan): Promise<void> {
  await insertMembers(merchantId, tx, plan.newMembers);
  for (const merge of plan.merges) await applyMerge(merchantId, tx, { ...merge, mergeId: newId('merge') });
  const inserted = await insertIdentities(merchantId, tx, plan.newIdentities, new Date());
  if (inserted !== plan.newIdentities.length) throw new IdentityTaken();
  await mergeTraits(merchantId, tx, plan.traits);
  await recomputeTouches(merchantId, tx, [...plan.touchesToRecompute]);
}
