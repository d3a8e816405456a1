import { createHash } from 'node:crypto';
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Tx } from '../platform/db.js';
import type { IdentityKind, OrderCouponsTable, OrderItemsTable, OrderRefundsTable, OrdersTable, OrderStatus } from '../platform/schema.js';

/** All SQL of orders: orders, their items, refunds and voids. */

export type OrderRow = Selectable<OrdersTable>;
export type OrderItemRow = Selectable<OrderItemsTable>;
export type RefundRow = Selectable<OrderRefundsTable>;
export type OrderCouponRow = Selectable<OrderCouponsTable>;

/** Advisory locks of external ids live in their own class, apart from other domains' locks. */
const EXTERNAL_ID_LOCK_CLASS = 0x4f52; // "OR"

/**
 * Serialises the orders of one external id until this transaction ends: the second of two
 * concurrent sends of a sale waits, then finds the first order instead of failing on the
 * unique key (which would abort its transaction).
 */
export async function lockExternalId(merchantId: string, tx: Tx, externalId: string): Promise<void> {
  const lock = createHash('sha256').update(`${merchantId}\u0000${externalId}`).digest().readInt32BE(0);
  await sql`SELECT pg_advisory_xact_lock(${EXTERNAL_ID_LOCK_CLASS}::int, ${lock}::int)`.execute(tx);
}

export async function findOrderByExternalId(merchantId: string, tx: Tx, externalId: string): Promise<OrderRow | undefined> {
  return tx.selectFrom('orders').selectAll().where('merchant_id', '=', merchantId).where('external_id', '=', externalId).executeTakeFirst();
}

/** One order; with `update`, locked until the transaction ends (refunds and voids take turns). */
export async function findOrder(merchantId: string, tx: Tx, orderId: string, lock?: 'update'): Promise<OrderRow | undefined> {
  let query = tx.selectFrom('orders').selectAll().where('merchant_id', '=', merchantId).where('order_id', '=', orderId);
  if (lock === 'update') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function insertOrder(merchantId: string, tx: Tx, row: Omit<Insertable<OrdersTable>, 'merchant_id'>): Promise<OrderRow> {
  return tx
    .insertInto('orders')
    .values({ ...row, merchant_id: merchantId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertItems(merchantId: string, tx: Tx, rows: Omit<OrderItemRow, 'merchant_id'>[]): Promise<OrderItemRow[]> {
  if (rows.length === 0) return [];
  return tx
    .insertInto('order_items')
    .values(rows.map((r) => ({ ...r, merchant_id: merchantId })))
    .returningAll()
    .execute();
}

export async function itemsOf(merchantId: string, tx: Tx, orderId: string): Promise<OrderItemRow[]> {
  return tx.selectFrom('order_items').selectAll().where('merchant_id', '=', merchantId).where('order_id', '=', orderId).orderBy('line').execute();
}

export async function insertOrderCoupons(merchantId: string, tx: Tx, rows: Omit<OrderCouponRow, 'merchant_id'>[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('order_coupons')
    .values(rows.map((r) => ({ ...r, merchant_id: merchantId })))
    .execute();
}

export async function couponsOf(merchantId: string, tx: Tx, orderId: string): Promise<OrderCouponRow[]> {
  return tx.selectFrom('order_coupons').selectAll().where('merchant_id', '=', merchantId).where('order_id', '=', orderId).orderBy('code').execute();
}

/** The order, not void, that a coupon redemption is already part of. */
export async function liveOrderOfRedemption(merchantId: string, tx: Tx, redemptionId: string): Promise<string | undefined> {
  const row = await tx
    .selectFrom('order_coupons as c')
    .innerJoin('orders as o', (join) => join.onRef('o.merchant_id', '=', 'c.merchant_id').onRef('o.order_id', '=', 'c.order_id'))
    .select('o.order_id')
    .where('c.merchant_id', '=', merchantId)
    .where('c.redemption_id', '=', redemptionId)
    .where('o.status', '!=', 'void')
    .executeTakeFirst();
  return row?.order_id;
}

export async function refundsOf(merchantId: string, tx: Tx, orderId: string): Promise<RefundRow[]> {
  return tx.selectFrom('order_refunds').selectAll().where('merchant_id', '=', merchantId).where('order_id', '=', orderId).orderBy('refund_id').execute();
}

export async function insertRefund(merchantId: string, tx: Tx, row: Omit<Insertable<OrderRefundsTable>, 'merchant_id'>): Promise<RefundRow> {
  return tx
    .insertInto('order_refunds')
    .values({ ...row, merchant_id: merchantId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateOrderStatus(
  merchantId: string,
  tx: Tx,
  orderId: string,
  change: { status: OrderStatus; refundedCents: number },
): Promise<OrderRow> {
  return tx
    .updateTable('orders')
    .set({ status: change.status, refunded_cents: change.refundedCents, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('order_id', '=', orderId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface OrderFilter {
  /** null: every store. */
  storeIds: string[] | null;
  /** null: any member (or none). */
  memberIds: string[] | null;
  paymentMethod?: string | undefined;
  status?: OrderStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Orders with a smaller id than this (the page before). */
  beforeId?: string | undefined;
  limit: number;
}

/** Orders, newest first by id (ids sort by creation time). */
export async function listOrders(merchantId: string, tx: Tx, filter: OrderFilter): Promise<OrderRow[]> {
  if (filter.storeIds?.length === 0 || filter.memberIds?.length === 0) return [];
  let query = tx.selectFrom('orders').selectAll().where('merchant_id', '=', merchantId);
  if (filter.storeIds) query = query.where('store_id', 'in', filter.storeIds);
  if (filter.memberIds) query = query.where('member_id', 'in', filter.memberIds);
  if (filter.paymentMethod !== undefined) query = query.where('payment_method', '=', filter.paymentMethod);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.from) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('occurred_at', '<', filter.to);
  if (filter.beforeId !== undefined) query = query.where('order_id', '<', filter.beforeId);
  return query.orderBy('order_id', 'desc').limit(filter.limit).execute();
}

/**
 * A member id and every member id that now means the same person: its survivor, if it was
 * merged, and the members merged into that survivor (merges point straight at the survivor).
 * Empty when the member does not exist.
 */
export async function samePersonIds(merchantId: string, tx: Tx, memberId: string): Promise<string[]> {
  // The survivor is computed once (an InitPlan) and feeds both index probes as a parameter: a
  // join on COALESCE(…) was planned as a walk over all the merchant's members (15 ms at 40,000).
  const { rows } = await sql<{ member_id: string }>`
    WITH survivor AS MATERIALIZED (
      SELECT COALESCE(merged_into, member_id) AS member_id FROM members WHERE merchant_id = ${merchantId} AND member_id = ${memberId}
    )
    SELECT member_id FROM members
     WHERE merchant_id = ${merchantId} AND member_id = (SELECT member_id FROM survivor)
    UNION
    SELECT member_id FROM members
     WHERE merchant_id = ${merchantId} AND merged_into = (SELECT member_id FROM survivor)
    ORDER BY member_id`.execute(tx);
  return rows.map((r) => r.member_id);
}

export interface MemberBrief {
  member_id: string;
  name: string | null;
  phone: string | null;
}

/** A member as an order shows it: name and first phone. A merged id answers as its survivor. */
export async function memberBrief(merchantId: string, tx: Tx, memberId: string): Promise<MemberBrief | undefined> {
  const { rows } = await sql<MemberBrief>`
    WITH survivor AS (
      SELECT COALESCE(merged_into, member_id) AS member_id FROM members WHERE merchant_id = ${merchantId} AND member_id = ${memberId}
    )
    SELECT m.member_id, m.name,
           (SELECT i.value FROM member_identities i
             WHERE i.merchant_id = m.merchant_id AND i.member_id = m.member_id AND i.kind = 'phone'
             ORDER BY i.first_seen_at, i.value LIMIT 1) AS phone
      FROM members m
     WHERE m.merchant_id = ${merchantId} AND m.member_id = (SELECT member_id FROM survivor)`.execute(tx);
  return rows[0];
}

/** The live member behind an id (following a merge) and one of its identities, to stitch others to it. */
export async function memberWithIdentity(
  merchantId: string,
  tx: Tx,
  memberId: string,
): Promise<{ member_id: string; kind: IdentityKind | null; value: string | null } | undefined> {
  const { rows } = await sql<{ member_id: string; kind: IdentityKind | null; value: string | null }>`
    WITH survivor AS (
      SELECT COALESCE(merged_into, member_id) AS member_id FROM members WHERE merchant_id = ${merchantId} AND member_id = ${memberId}
    )
    SELECT s.member_id, i.kind, i.value
      FROM survivor s
      LEFT JOIN LATERAL (
        SELECT kind, value FROM member_identities
         WHERE merchant_id = ${merchantId} AND member_id = s.member_id
         ORDER BY first_seen_at, kind, value LIMIT 1
      ) i ON true`.execute(tx);
  return rows[0];
}

/**
 * A member's purchases, newest first, for their timeline: the orders of every member id that
 * is now this person. For the members domain to show beside clicks and events.
 */
export async function purchasesOf(merchantId: string, tx: Tx, memberIds: string[], limit: number): Promise<OrderRow[]> {
  if (memberIds.length === 0) return [];
  return tx
    .selectFrom('orders')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('member_id', 'in', memberIds)
    .orderBy('occurred_at', 'desc')
    .orderBy('order_id', 'desc')
    .limit(limit)
    .execute();
}
