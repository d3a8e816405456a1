import { setTimeout as sleep } from 'node:timers/promises';
import { assertStoreAccess, type Principal } from '../auth/principal.js';
import type { Config } from '../platform/config.js';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError, type ErrorCode } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { maskPhone } from '../platform/log.js';
import { writeOutbox } from '../platform/outbox.js';
import type { CouponTerms } from '../platform/schema.js';
import { findStore } from '../stores/queries.js';
import { recordStoreVisit } from '../visits/queries.js';
import { formatCode, normalizeCode } from './codes.js';
import { actorOf, type CounterLimiter } from './counter-limiter.js';
import { couponStatus, slotRef, toRedemption } from './present.js';
import {
  findCoupon,
  findCouponByCode,
  findOffer,
  findRedemption,
  findRedemptionByRequest,
  findSlot,
  insertRedemption,
  markCouponRedeemed,
  phoneOfMember,
  type CouponRow,
  type RedemptionRow,
} from './queries.js';
import type { Lookup, LookupBody, RedeemBody, Redemption } from './schemas.js';

/** The counter: look a code up, confirm it (single use, idempotent by the till's request id). */

export interface CounterDeps {
  db: Db;
  limiter: CounterLimiter;
  config: Pick<Config, 'redemptionUndoMinutes'>;
}

/**
 * Every wrong-code answer leaves no sooner than this after the request began. Together with the
 * one indexed lookup every wrong code costs, it makes a mistyped code, an unknown one and
 * another merchant's one take the same time, so timing tells a guesser nothing.
 */
export const WRONG_CODE_FLOOR_MS = 150;
/** Looked up in place of a code that fails its check symbol: it can never match a stored code. */
const NO_SUCH_CODE = '-';

async function answerWrongCode(deps: CounterDeps, actor: string, ip: string, startedAt: number): Promise<never> {
  await deps.limiter.recordFailure(actor, ip);
  const wait = startedAt + WRONG_CODE_FLOOR_MS - performance.now();
  if (wait > 0) await sleep(wait);
  throw new AppError('invalid_coupon_code');
}

/** The till's store must exist and be open for business. */
async function assertCounterStore(merchantId: string, tx: Tx, storeId: string): Promise<void> {
  const store = await findStore(merchantId, tx, storeId);
  if (!store || store.archived_at !== null) throw new AppError('invalid_reference', 'No such store, or it is archived.');
}

/** What stands in the way of redeeming this coupon here and now, as the error a confirmation gets. */
export function redemptionProblem(coupon: CouponRow, storeId: string, now: Date, amountCents?: number): ErrorCode | null {
  if (coupon.redeemed_at !== null) return 'coupon_already_redeemed';
  if (now < coupon.valid_from) return 'coupon_not_yet_valid';
  if (now >= coupon.valid_until) return 'coupon_expired';
  if (coupon.store_ids.length > 0 && !coupon.store_ids.includes(storeId)) return 'coupon_not_valid_here';
  if (amountCents !== undefined && coupon.terms.minSpendCents !== null && amountCents < coupon.terms.minSpendCents) return 'minimum_spend_not_met';
  return null;
}

async function describe(merchantId: string, tx: Tx, coupon: CouponRow, storeId: string, now: Date): Promise<Lookup> {
  const offer = await findOffer(merchantId, tx, coupon.offer_id);
  const member = await phoneOfMember(merchantId, tx, coupon.member_id);
  const redemption = coupon.redemption_id ? await findRedemption(merchantId, tx, coupon.redemption_id) : undefined;
  const slot = coupon.slot_id ? await findSlot(merchantId, tx, coupon.slot_id) : undefined;
  const problem = redemptionProblem(coupon, storeId, now);
  return {
    coupon: {
      id: coupon.coupon_id,
      code: formatCode(coupon.code),
      status: couponStatus(coupon, now),
      redeemable: problem === null,
      problem,
      terms: coupon.terms,
      storeIds: coupon.store_ids,
      validFrom: coupon.valid_from.toISOString(),
      validUntil: coupon.valid_until.toISOString(),
      slot: slotRef(slot),
      claimedAt: coupon.claimed_at.toISOString(),
      redeemedAt: coupon.redeemed_at?.toISOString() ?? null,
      redemption: redemption ? { id: redemption.redemption_id, storeId: redemption.store_id, redeemedAt: redemption.redeemed_at.toISOString() } : null,
    },
    offer: { id: coupon.offer_id, name: offer?.name ?? coupon.terms.name, state: offer?.state ?? 'ended' },
    // Masked for every role: the counter is where phones are seen over a shoulder.
    member: { id: member.memberId, name: member.name, phone: member.phone === null ? null : maskPhone(member.phone) },
  };
}

/** `POST /api/redemptions/lookup`: what the code is, or the one wrong-code answer. */
export async function lookupCode(deps: CounterDeps, principal: Principal, ip: string, body: LookupBody, now = new Date()): Promise<Lookup> {
  const startedAt = performance.now();
  assertStoreAccess(principal, body.storeId);
  const actor = actorOf(principal);
  await deps.limiter.assertAllowed(actor, ip);
  const code = normalizeCode(body.code);
  const { merchantId } = principal;
  const found = await inTenant(deps.db, merchantId, async (tx) => {
    await assertCounterStore(merchantId, tx, body.storeId);
    const coupon = await findCouponByCode(merchantId, tx, code ?? NO_SUCH_CODE);
    return coupon ? describe(merchantId, tx, coupon, body.storeId, now) : null;
  });
  return found ?? answerWrongCode(deps, actor, ip, startedAt);
}

export interface RedeemInput {
  /** Canonical code, or null when it failed its check symbol. */
  code: string | null;
  storeId: string;
  requestId: string;
  amountCents?: number;
  staffId: string | null;
  keyId: string | null;
  now: Date;
}

export type RedeemOutcome = { redemption: RedemptionRow; terms: CouponTerms; replayed: boolean } | 'wrong_code';

/** The same request id committed meanwhile under another code: the retry (inTenant) then answers request_id_reused. */
class RequestIdTaken extends Error {
  readonly code = '40001';
  constructor() {
    super('a redemption with this request id was committed meanwhile');
  }
}

/** A till repeating a request id gets the first answer; the same id for another code or store is refused. */
async function replay(merchantId: string, tx: Tx, earlier: RedemptionRow, input: RedeemInput): Promise<RedeemOutcome> {
  const coupon = await findCoupon(merchantId, tx, earlier.coupon_id);
  const same = coupon !== undefined && coupon.code === input.code && earlier.store_id === input.storeId && earlier.amount_cents === (input.amountCents ?? null);
  if (!same) throw new AppError('request_id_reused');
  return { redemption: earlier, terms: coupon.terms, replayed: true };
}

/**
 * Another till won, or this till's own earlier try did and committed after this one began
 * (each statement sees what is committed when it starts, so the request id is looked up again).
 */
async function alreadyRedeemed(merchantId: string, tx: Tx, input: RedeemInput): Promise<RedeemOutcome> {
  const raced = await findRedemptionByRequest(merchantId, tx, input.requestId);
  if (raced) return replay(merchantId, tx, raced, input);
  throw new AppError('coupon_already_redeemed');
}

/**
 * Redeems a code in the caller's transaction: the counter's confirmation, and the use case an
 * order with coupon codes can call in its own transaction. Single use rests on the conditional
 * UPDATE of the coupon (markCouponRedeemed): of any number of concurrent confirmations exactly
 * one finds the coupon unredeemed. The redemption, the store visit and the outbox row commit
 * with it.
 */
export async function redeemInTransaction(merchantId: string, tx: Tx, input: RedeemInput): Promise<RedeemOutcome> {
  await assertCounterStore(merchantId, tx, input.storeId);
  const earlier = await findRedemptionByRequest(merchantId, tx, input.requestId);
  if (earlier) return replay(merchantId, tx, earlier, input);
  const coupon = await findCouponByCode(merchantId, tx, input.code ?? NO_SUCH_CODE);
  if (!coupon) return 'wrong_code';
  const problem = redemptionProblem(coupon, input.storeId, input.now, input.amountCents);
  if (problem === 'coupon_already_redeemed') return alreadyRedeemed(merchantId, tx, input);
  if (problem) throw new AppError(problem);

  const redemptionId = newId('redemption');
  if (!(await markCouponRedeemed(merchantId, tx, coupon.coupon_id, redemptionId, input.now))) return alreadyRedeemed(merchantId, tx, input);
  const person = await phoneOfMember(merchantId, tx, coupon.member_id);
  const redemption = await insertRedemption(merchantId, tx, {
    redemption_id: redemptionId,
    coupon_id: coupon.coupon_id,
    offer_id: coupon.offer_id,
    member_id: person.memberId,
    store_id: input.storeId,
    request_id: input.requestId,
    amount_cents: input.amountCents ?? null,
    staff_id: input.staffId,
    key_id: input.keyId,
    redeemed_at: input.now,
  });
  if (!redemption) throw new RequestIdTaken();
  await recordStoreVisit(merchantId, tx, { memberId: person.memberId, storeId: input.storeId, occurredAt: input.now, source: 'redemption', sourceId: redemptionId });
  await writeOutbox(merchantId, tx, 'coupon.redeemed', {
    redemptionId,
    couponId: coupon.coupon_id,
    offerId: coupon.offer_id,
    memberId: person.memberId,
    storeId: input.storeId,
    amountCents: input.amountCents ?? null,
    redeemedAt: input.now.toISOString(),
    staffId: input.staffId,
    keyId: input.keyId,
  });
  return { redemption, terms: coupon.terms, replayed: false };
}

/** `POST /api/redemptions`: confirm at the till. */
export async function confirmRedemption(deps: CounterDeps, principal: Principal, ip: string, body: RedeemBody, now = new Date()): Promise<Redemption> {
  const startedAt = performance.now();
  assertStoreAccess(principal, body.storeId);
  const actor = actorOf(principal);
  await deps.limiter.assertAllowed(actor, ip);
  const input: RedeemInput = {
    code: normalizeCode(body.code),
    storeId: body.storeId,
    requestId: body.requestId,
    ...(body.amountCents !== undefined ? { amountCents: body.amountCents } : {}),
    staffId: principal.staffId,
    keyId: principal.keyId,
    now,
  };
  const outcome = await inTenant(deps.db, principal.merchantId, (tx) => redeemInTransaction(principal.merchantId, tx, input));
  if (outcome === 'wrong_code') return answerWrongCode(deps, actor, ip, startedAt);
  return toRedemption(outcome.redemption, outcome.terms, deps.config.redemptionUndoMinutes);
}
