import { ALL_ROLES, MANAGERS, principalOf } from '../auth/principal.js';
import { CounterLimiter } from '../offers/counter-limiter.js';
import type { Context } from '../platform/context.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { createOrder, type OrderDeps } from './create-order.js';
import { paymentMethodsOf } from './payment-methods.js';
import { findOrders, getOrder } from './read-orders.js';
import { refundOrder, voidOrder } from './refund-order.js';
import { createOrderBody, Order, OrderList, OrderListQuery, OrderParams, RefundBody, RefundResult, VoidBody } from './schemas.js';

/**
 * Orders from the merchant's tills. Any staff role records a sale (a clerk in their stores);
 * refunds and voids give money back, so they take an owner or manager (see docs/orders.md).
 */
export async function orderRoutes(app: App, { config, database: { db } }: Context): Promise<void> {
  const tags = ['Orders'];
  const CreateOrderBody = createOrderBody(paymentMethodsOf(config));
  const deps: OrderDeps = { db, limiter: new CounterLimiter(config) };

  app.post(
    '/api/orders',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags,
        summary: 'Record a sale from a till (an externalId seen before answers the first order, 200)',
        body: CreateOrderBody,
        response: withErrors({ 200: Order, 201: Order }),
      },
    },
    async (request, reply) => {
      const { order, created } = await createOrder(deps, principalOf(request), request.ip, request.body);
      return reply.code(created ? 201 : 200).send(order);
    },
  );

  app.get(
    '/api/orders',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Orders, newest first (a clerk: their stores)', querystring: OrderListQuery, response: withErrors({ 200: OrderList }) } },
    async (request) => findOrders(db, principalOf(request), request.query),
  );

  app.get(
    '/api/orders/:orderId',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'One order with items, refunds and member', params: OrderParams, response: withErrors({ 200: Order }) } },
    async (request) => getOrder(db, principalOf(request), request.params.orderId),
  );

  app.post(
    '/api/orders/:orderId/refunds',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Refund part or all of what is left', params: OrderParams, body: RefundBody, response: withErrors({ 201: RefundResult }) },
    },
    async (request, reply) => reply.code(201).send(await refundOrder(db, principalOf(request), request.params.orderId, request.body)),
  );

  app.post(
    '/api/orders/:orderId/void',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Void an order that has no refunds', params: OrderParams, body: VoidBody, response: withErrors({ 200: Order }) } },
    async (request) => voidOrder(db, principalOf(request), request.params.orderId, request.body),
  );
}
