import type { Static } from 'typebox';
import type * as offers from '../../../src/offers/schemas.js';
import type * as orders from '../../../src/orders/schemas.js';
import { request } from '../api.js';

/* The counter's calls: look a code up, confirm it, undo it, and record the sale. */

export type Lookup = Static<typeof offers.Lookup>;
export type Redemption = Static<typeof offers.Redemption>;
export type Order = Static<typeof orders.Order>;
export type CreateOrderBody = orders.CreateOrderBody;

export const lookup = (code: string, storeId: string) => request<Lookup>('POST', '/api/redemptions/lookup', { code, storeId });

/** `requestId` makes a retry after a timeout answer the first confirmation instead of failing. */
export const redeem = (code: string, storeId: string, requestId: string) => request<Redemption>('POST', '/api/redemptions', { code, storeId, requestId });

export const undo = (redemptionId: string, storeId: string) => request<Redemption>('POST', `/api/redemptions/${encodeURIComponent(redemptionId)}/undo`, { storeId });

export const createOrder = (body: CreateOrderBody) => request<Order>('POST', '/api/orders', body);
