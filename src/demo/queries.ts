import { sql } from 'kysely';
import type { Tx } from '../platform/db.js';

/** All SQL of the demo loader: finding an earlier demo and summing it up. */

/** The merchant whose login is this email (a directory query: runs with no merchant set). */
export async function merchantOfLogin(tx: Tx, email: string): Promise<string | undefined> {
  const row = await tx.selectFrom('logins').select('merchant_id').where('email', '=', email).executeTakeFirst();
  return row?.merchant_id;
}

export interface DemoSummary {
  orders: number;
  members: number;
  /** Local date of the last sale, and of the day the demo was created. */
  lastOrderDate: string | null;
  createdDate: string;
}

export async function demoSummary(merchantId: string, tx: Tx, timeZone: string): Promise<DemoSummary> {
  const { rows } = await sql<DemoSummary>`
    SELECT (SELECT count(*)::int FROM orders WHERE merchant_id = ${merchantId}) AS orders,
           (SELECT count(*)::int FROM members WHERE merchant_id = ${merchantId} AND merged_into IS NULL) AS members,
           (SELECT to_char(max(occurred_at) AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') FROM orders WHERE merchant_id = ${merchantId}) AS "lastOrderDate",
           (SELECT to_char(created_at AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') FROM merchants WHERE merchant_id = ${merchantId}) AS "createdDate"`.execute(tx);
  return rows[0]!;
}

/** What the demo loader needs to go on with an existing demo merchant (ids in creation order). */
export async function demoWorldRows(merchantId: string, tx: Tx) {
  const stores = await tx.selectFrom('stores').select(['store_id', 'name']).where('merchant_id', '=', merchantId).orderBy('store_id').execute();
  const channels = await tx.selectFrom('channels').select(['channel_id', 'name']).where('merchant_id', '=', merchantId).orderBy('channel_id').execute();
  const links = await tx.selectFrom('links').select(['link_id', 'channel_id', 'campaign', 'destination']).where('merchant_id', '=', merchantId).orderBy('link_id').execute();
  const offers = await tx.selectFrom('offers').select(['offer_id', 'name']).where('merchant_id', '=', merchantId).orderBy('offer_id').execute();
  const slots = await tx.selectFrom('offer_slots').select(['slot_id', 'store_id', 'starts_at']).where('merchant_id', '=', merchantId).orderBy('starts_at').execute();
  const keys = await tx.selectFrom('api_keys').select(['key_id', 'name', 'role']).where('merchant_id', '=', merchantId).where('kind', '=', 'secret').where('revoked_at', 'is', null).orderBy('key_id').execute();
  const merchant = await tx.selectFrom('merchants').select('ip_salt').where('merchant_id', '=', merchantId).executeTakeFirstOrThrow();
  return { stores, channels, links, offers, slots, keys, ipSalt: merchant.ip_salt };
}
