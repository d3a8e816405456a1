import { createHash } from 'node:crypto';
import { assertStoreAccess, type Principal } from '../auth/principal.js';
import { lastTouchWithin } from '../members/touches.js';
import { findMerchant } from '../merchants/queries.js';
import type { CounterLimiter } from '../offers/counter-limiter.js';
import { WRONG_CODE_FLOOR_MS } from '../offers/redeem.js';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { callerOf, canonicalJson } from '../platform/idempotency.js';
import { newId } from '../platform/ids.js';
import { writeOutbox } from '../platform/outbox.js';
import { findActiveStoreIds } from '../stores/queries.js';
import { recordStoreVisit } from '../visits/queries.js';
import { checkOrderTotals, type Totals } from './arithmetic.js';
import { applyCoupons } from './coupons.js';
import { resolveOrderMember } from './member.js';
import { forCaller, loadOrder, orderEvent } from './present.js';
import { findOrderByExternalId, insertItems, insertOrder, insertOrderCoupons, lockExternalId } from './queries.js';
import type { CreateOrderBody, Order } from './schemas.js';

/** A till's clock may run a little fast; a sale further ahead than this is a mistake. */
const MAX_AHEAD_MS = 60 * 60 * 1000;

export interface OrderDeps {
  db: Db;
  /** Wrong coupon codes count against the caller here as at the counter. */
  limiter: CounterLimiter;
}

/**
 * Records a sale from a till. In one transaction: the member is found or stitched from the
 * identities given, the coupons are redeemed (or attached), the sale is attributed to the
 * member's last tap (stored, never recomputed), it counts as a store visit, and `order.created`
 * is written to the outbox. An `externalId` seen before answers the first order
 * (`created: false`) when the body is the same, and `order_conflict` when it is not.
 */
export async function createOrder(deps: OrderDeps, principal: Principal, ip: string, body: CreateOrderBody): Promise<{ order: Order; created: boolean }> {
  const startedAt = performance.now();
  assertStoreAccess(principal, body.storeId);
  const totals = checkOrderTotals(body.items, body.discountCents ?? 0, body.totalCents);
  const occurredAt = occurredAtOf(body.occurredAt);
  const requestHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
  const { merchantId } = principal;
  const caller = callerOf(principal);
  if (body.couponCodes?.length) await deps.limiter.assertAllowed(caller, ip);

  try {
    const result = await inTenant(deps.db, merchantId, async (tx) => {
      if (body.externalId !== undefined) {
        await lockExternalId(merchantId, tx, body.externalId);
        const first = await findOrderByExternalId(merchantId, tx, body.externalId);
        if (first) {
          if (first.request_hash !== requestHash) throw new AppError('order_conflict', `Order ${first.order_id} already has externalId ${JSON.stringify(body.externalId)}, with different contents.`);
          return { order: await loadOrder(merchantId, tx, first), created: false };
        }
      }
      const order = await recordOrder(merchantId, tx, { principal, body, totals, occurredAt, requestHash });
      return { order, created: true };
    });
    return { order: forCaller(principal, result.order), created: result.created };
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_coupon_code') await penaliseWrongCode(deps, caller, ip, startedAt);
    throw error;
  }
}

/** A wrong coupon code costs what it costs at the counter: a strike, and the same slow answer. */
async function penaliseWrongCode(deps: OrderDeps, caller: string, ip: string, startedAt: number): Promise<void> {
  await deps.limiter.recordFailure(caller, ip);
  const wait = startedAt + WRONG_CODE_FLOOR_MS - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

interface NewOrder {
  principal: Principal;
  body: CreateOrderBody;
  totals: Totals;
  occurredAt: Date;
  requestHash: string;
}

async function recordOrder(merchantId: string, tx: Tx, o: NewOrder): Promise<Order> {
  const merchant = await findMerchant(merchantId, tx);
  if (!merchant) throw new AppError('not_found');
  const [store] = await findActiveStoreIds(merchantId, tx, [o.body.storeId]);
  if (!store) throw new AppError('invalid_reference', 'No such store, or it is archived.', [{ path: '/body/storeId', problem: 'does not exist or is archived' }]);

  const orderId = newId('order');
  const given = await resolveOrderMember(merchantId, tx, o.body.member, { region: merchant.default_region, orderId });
  const coupons = await applyCoupons(merchantId, tx, o.body.couponCodes ?? [], {
    storeId: store,
    orderId,
    amountCents: o.totals.subtotalCents,
    staffId: o.principal.staffId,
    keyId: o.principal.keyId,
    at: o.occurredAt,
  });
  // A coupon names its holder: a sale with no other clue to the customer is theirs.
  const memberId = given ?? coupons[0]?.memberId ?? null;
  const touch = memberId ? await lastTouchWithin(merchantId, tx, memberId, o.occurredAt) : null;
  const row = await insertOrder(merchantId, tx, {
    order_id: orderId,
    external_id: o.body.externalId ?? null,
    request_hash: o.requestHash,
    store_id: store,
    status: 'completed',
    currency: o.body.currency ?? merchant.currency,
    subtotal_cents: o.totals.subtotalCents,
    discount_cents: o.body.discountCents ?? 0,
    total_cents: o.body.totalCents,
    payment_method: o.body.paymentMethod,
    occurred_at: o.occurredAt,
    member_id: memberId,
    click_id: touch?.clickId ?? null,
    link_id: touch?.linkId ?? null,
    channel_id: touch?.channelId ?? null,
    created_by: callerOf(o.principal),
  });
  await insertItems(
    merchantId,
    tx,
    o.body.items.map((item, i) => ({
      order_id: orderId,
      line: i + 1,
      name: item.name,
      sku: item.sku ?? null,
      quantity: item.quantity,
      unit_price_cents: item.unitPriceCents,
      amount_cents: o.totals.lineAmounts[i]!,
    })),
  );
  await insertOrderCoupons(
    merchantId,
    tx,
    coupons.map((c) => ({ order_id: orderId, coupon_id: c.couponId, redemption_id: c.redemptionId, offer_id: c.offerId, code: c.code, redeemed_with_order: c.redeemedWithOrder })),
  );
  // A sale with a known member is that member's visit to the store (到店) and a purchase.
  if (memberId) await recordStoreVisit(merchantId, tx, { memberId, storeId: store, occurredAt: o.occurredAt, source: 'order', sourceId: orderId });
  const order = await loadOrder(merchantId, tx, row);
  await writeOutbox(merchantId, tx, 'order.created', orderEvent(order));
  return order;
}

function occurredAtOf(raw: string | undefined): Date {
  if (raw === undefined) return new Date();
  const at = new Date(raw);
  if (at.getTime() > Date.now() + MAX_AHEAD_MS) {
    throw new AppError('validation_failed', undefined, [{ path: '/body/occurredAt', problem: 'must not be more than an hour in the future' }]);
  }
  return at;
}
