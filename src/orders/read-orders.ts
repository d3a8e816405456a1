import { assertStoreAccess, type Principal } from '../auth/principal.js';
import { inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { forCaller, loadOrder, toSummary } from './present.js';
import { findOrder, listOrders, samePersonIds } from './queries.js';
import type { Order, OrderListQuery, OrderSummary } from './schemas.js';

/** One order with items, refunds and member. A clerk sees only their stores' orders. */
export async function getOrder(db: Db, principal: Principal, orderId: string): Promise<Order> {
  const { merchantId } = principal;
  const order = await inTenant(db, merchantId, async (tx) => {
    const row = await findOrder(merchantId, tx, orderId);
    if (!row) throw new AppError('not_found');
    assertStoreAccess(principal, row.store_id);
    return loadOrder(merchantId, tx, row);
  });
  return forCaller(principal, order);
}

/**
 * Orders, newest first, a page at a time: `nextCursor` is the last id of the page when more
 * may follow. A clerk sees their stores only; a member filter includes merged members.
 */
export async function findOrders(db: Db, principal: Principal, query: OrderListQuery): Promise<{ data: OrderSummary[]; nextCursor: string | null }> {
  const { merchantId } = principal;
  if (query.storeId !== undefined) assertStoreAccess(principal, query.storeId);
  const limit = query.limit ?? 50;
  const rows = await inTenant(db, merchantId, async (tx) =>
    listOrders(merchantId, tx, {
      storeIds: query.storeId !== undefined ? [query.storeId] : principal.storeIds,
      memberIds: query.memberId !== undefined ? await samePersonIds(merchantId, tx, query.memberId) : null,
      paymentMethod: query.paymentMethod,
      status: query.status,
      from: query.from !== undefined ? new Date(query.from) : undefined,
      to: query.to !== undefined ? new Date(query.to) : undefined,
      beforeId: query.cursor,
      limit: limit + 1,
    }),
  );
  const page = rows.slice(0, limit);
  return { data: page.map(toSummary), nextCursor: rows.length > limit ? page[page.length - 1]!.order_id : null };
}
