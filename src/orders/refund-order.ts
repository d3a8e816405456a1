import { assertStoreAccess, type Principal } from '../auth/principal.js';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { callerOf } from '../platform/idempotency.js';
import { newId } from '../platform/ids.js';
import { writeOutbox } from '../platform/outbox.js';
import { deleteStoreVisit } from '../visits/queries.js';
import { refundableCents, statusAfterRefunds } from './arithmetic.js';
import { forCaller, loadOrder, toRefund } from './present.js';
import { findOrder, insertRefund, updateOrderStatus, type OrderRow } from './queries.js';
import type { Order, Refund, RefundBody, VoidBody } from './schemas.js';

/**
 * Refunds and voids. Both are rows of their own; the order is never deleted, only its status
 * and refunded amount move. The order row is locked first, so two refunds at once cannot
 * together give back more than the total.
 */

/** Gives back part or all of what is left (all of it when no amount is given). */
export async function refundOrder(db: Db, principal: Principal, orderId: string, body: RefundBody): Promise<{ refund: Refund; order: Order }> {
  const { merchantId } = principal;
  const result = await inTenant(db, merchantId, async (tx) => {
    const order = await lockedOrder(merchantId, tx, principal, orderId);
    if (order.status === 'void') throw new AppError('order_voided', 'The order is void: there is nothing to refund.');
    const left = refundableCents({ status: order.status, totalCents: order.total_cents, refundedCents: order.refunded_cents });
    const amount = body.amountCents ?? left;
    if (amount > left || amount === 0) {
      throw new AppError('refund_exceeds_remaining', left === 0 ? 'The order is already refunded in full.' : `At most ${left} is left to refund on this order.`, [
        { path: '/body/amountCents', problem: `must be at most ${left}` },
      ]);
    }
    const refund = await insertRefund(merchantId, tx, {
      refund_id: newId('refund'),
      order_id: order.order_id,
      kind: 'refund',
      amount_cents: amount,
      reason: body.reason,
      created_by: callerOf(principal),
    });
    const refundedCents = order.refunded_cents + amount;
    const updated = await updateOrderStatus(merchantId, tx, order.order_id, { status: statusAfterRefunds(order.total_cents, refundedCents), refundedCents });
    await writeOutbox(merchantId, tx, 'order.refunded', {
      orderId: updated.order_id,
      storeId: updated.store_id,
      memberId: updated.member_id,
      refund: toRefund(refund),
      refundedCents: updated.refunded_cents,
      totalCents: updated.total_cents,
      status: updated.status,
    });
    return { refund: toRefund(refund), order: await loadOrder(merchantId, tx, updated) };
  });
  return { refund: result.refund, order: forCaller(principal, result.order) };
}

/**
 * Cancels a sale as a whole (rung up by mistake, paid twice): the order stays, marked void,
 * and no longer counts as a store visit. Only an order without refunds can be voided.
 */
export async function voidOrder(db: Db, principal: Principal, orderId: string, body: VoidBody): Promise<Order> {
  const { merchantId } = principal;
  const order = await inTenant(db, merchantId, async (tx) => {
    const order = await lockedOrder(merchantId, tx, principal, orderId);
    if (order.status === 'void') throw new AppError('order_voided', 'The order is already void.');
    if (order.refunded_cents > 0) throw new AppError('order_not_voidable', `The order has ${order.refunded_cents} refunded already: refund the rest instead.`);
    const entry = await insertRefund(merchantId, tx, {
      refund_id: newId('refund'),
      order_id: order.order_id,
      kind: 'void',
      amount_cents: order.total_cents,
      reason: body.reason,
      created_by: callerOf(principal),
    });
    const updated = await updateOrderStatus(merchantId, tx, order.order_id, { status: 'void', refundedCents: order.refunded_cents });
    await deleteStoreVisit(merchantId, tx, 'order', order.order_id);
    await writeOutbox(merchantId, tx, 'order.voided', {
      orderId: updated.order_id,
      storeId: updated.store_id,
      memberId: updated.member_id,
      void: toRefund(entry),
      totalCents: updated.total_cents,
      status: updated.status,
    });
    return loadOrder(merchantId, tx, updated);
  });
  return forCaller(principal, order);
}

async function lockedOrder(merchantId: string, tx: Tx, principal: Principal, orderId: string): Promise<OrderRow> {
  const order = await findOrder(merchantId, tx, orderId, 'update');
  if (!order) throw new AppError('not_found');
  assertStoreAccess(principal, order.store_id);
  return order;
}
