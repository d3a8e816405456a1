import type { Principal } from '../auth/principal.js';
import type { Tx } from '../platform/db.js';
import { maskPhone } from '../platform/log.js';
import { formatCode } from '../offers/codes.js';
import { couponsOf, itemsOf, memberBrief, refundsOf, type OrderRow, type RefundRow } from './queries.js';
import type { Order, OrderSummary, Refund } from './schemas.js';

/** Orders as the API answers them. */

export function toSummary(row: OrderRow): OrderSummary {
  return {
    id: row.order_id,
    externalId: row.external_id,
    storeId: row.store_id,
    status: row.status,
    occurredAt: row.occurred_at.toISOString(),
    currency: row.currency,
    subtotalCents: row.subtotal_cents,
    discountCents: row.discount_cents,
    totalCents: row.total_cents,
    refundedCents: row.refunded_cents,
    paymentMethod: row.payment_method,
    memberId: row.member_id,
    attribution: row.click_id && row.link_id && row.channel_id ? { clickId: row.click_id, linkId: row.link_id, channelId: row.channel_id } : null,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toRefund(row: RefundRow): Refund {
  return { id: row.refund_id, kind: row.kind, amountCents: row.amount_cents, reason: row.reason, createdBy: row.created_by, createdAt: row.created_at.toISOString() };
}

/** The whole order: items, coupons, refunds and the member (its phone unmasked; see forCaller). */
export async function loadOrder(merchantId: string, tx: Tx, row: OrderRow): Promise<Order> {
  const [items, coupons, refunds, member] = [
    await itemsOf(merchantId, tx, row.order_id),
    await couponsOf(merchantId, tx, row.order_id),
    await refundsOf(merchantId, tx, row.order_id),
    row.member_id ? await memberBrief(merchantId, tx, row.member_id) : undefined,
  ];
  return {
    ...toSummary(row),
    items: items.map((i) => ({ line: i.line, name: i.name, sku: i.sku, quantity: i.quantity, unitPriceCents: i.unit_price_cents, amountCents: i.amount_cents })),
    member: member ? { id: member.member_id, name: member.name, phone: member.phone } : null,
    coupons: coupons.map((c) => ({ couponId: c.coupon_id, code: formatCode(c.code), offerId: c.offer_id, redemptionId: c.redemption_id, redeemedWithOrder: c.redeemed_with_order })),
    refunds: refunds.map(toRefund),
  };
}

/** Clerks work the counter: they see the member's phone masked (PRODUCT.md, capability 3). */
export function forCaller(principal: Principal, order: Order): Order {
  if (principal.role === 'owner' || principal.role === 'manager' || !order.member?.phone) return order;
  return { ...order, member: { ...order.member, phone: maskPhone(order.member.phone) } };
}

/** What webhooks will carry: the order without the member's name or phone. */
export function orderEvent(order: Order): Record<string, unknown> {
  const { member: _member, ...rest } = order;
  return rest;
}
