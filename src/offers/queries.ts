import { createHash } from 'node:crypto';
import { sql, type Selectable, type Updateable } from 'kysely';
import type { Tx } from '../platform/db.js';
import type { CouponsTable, CouponTerms, OffersTable, OfferSlotsTable, OfferState, RedemptionsTable } from '../platform/schema.js';

/** All SQL of offers, slots, coupons and redemptions. Every query takes merchantId first and filters on it. */

export type OfferRow = Selectable<OffersTable>;
export type SlotRow = Selectable<OfferSlotsTable>;
export type CouponRow = Selectable<CouponsTable>;
export type RedemptionRow = Selectable<RedemptionsTable>;

// ---- offers

export async function insertOffer(merchantId: string, tx: Tx, row: Omit<OfferRow, 'merchant_id' | 'state' | 'claimed' | 'committed_cents' | 'created_at' | 'updated_at'>): Promise<OfferRow> {
  return tx
    .insertInto('offers')
    .values({ ...row, merchant_id: merchantId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findOffer(merchantId: string, tx: Tx, offerId: string, lock?: 'update'): Promise<OfferRow | undefined> {
  let query = tx.selectFrom('offers').selectAll().where('merchant_id', '=', merchantId).where('offer_id', '=', offerId);
  if (lock === 'update') query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Redeemed coupons (not undone) per offer. */
export async function countRedeemed(merchantId: string, tx: Tx, offerIds: string[]): Promise<Map<string, number>> {
  if (offerIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('coupons')
    .select(['offer_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('merchant_id', '=', merchantId)
    .where('offer_id', 'in', offerIds)
    .where('redeemed_at', 'is not', null)
    .groupBy('offer_id')
    .execute();
  return new Map(rows.map((r) => [r.offer_id, Number(r.n)]));
}

export async function listOffers(merchantId: string, tx: Tx, filter: { state: OfferState | undefined }): Promise<OfferRow[]> {
  let query = tx.selectFrom('offers').selectAll().where('merchant_id', '=', merchantId);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  return query.orderBy('offer_id', 'desc').execute();
}

/** Live offers valid at a store: those naming it, and those valid everywhere (no stores). */
export async function listLiveOffersAtStore(merchantId: string, tx: Tx, storeId: string): Promise<OfferRow[]> {
  return tx
    .selectFrom('offers')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('state', '=', 'live')
    .where(sql<boolean>`(cardinality(store_ids) = 0 OR ${storeId} = ANY(store_ids))`)
    .orderBy('offer_id', 'desc')
    .execute();
}

export async function updateOffer(merchantId: string, tx: Tx, offerId: string, patch: Updateable<OffersTable>): Promise<OfferRow> {
  return tx
    .updateTable('offers')
    .set({ ...patch, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('offer_id', '=', offerId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * What one coupon of the offer is worth at most, as SQL over the offer's own columns, so the
 * budget is checked against the terms of the row being updated, not a copy read earlier.
 */
const couponValueSql = sql<number | null>`CASE kind WHEN 'amount_off' THEN amount_off_cents WHEN 'percent_off' THEN max_discount_cents ELSE item_value_cents END`;

/**
 * Takes one coupon from the offer, if one is left: the conditional UPDATE is the whole
 * concurrency story. Concurrent claims queue on the row; each re-checks the condition against
 * the row as the one before it left it, so the offer never hands out more than its quantity or
 * budget. Returns the offer as it is now (its terms are what the coupon keeps), or undefined.
 */
export async function takeOfferUnit(merchantId: string, tx: Tx, offerId: string): Promise<OfferRow | undefined> {
  const { rows } = await sql<OfferRow>`
    UPDATE offers
       SET claimed = claimed + 1,
           committed_cents = committed_cents + COALESCE(${couponValueSql}, 0)
     WHERE merchant_id = ${merchantId} AND offer_id = ${offerId}
       AND state = 'live'
       AND (total_quantity IS NULL OR claimed < total_quantity)
       AND (budget_cents IS NULL OR committed_cents + COALESCE(${couponValueSql}, 0) <= budget_cents)
    RETURNING *`.execute(tx);
  return rows[0];
}

// ---- slots

export async function insertSlot(merchantId: string, tx: Tx, row: Omit<SlotRow, 'merchant_id' | 'booked' | 'created_at'>): Promise<SlotRow> {
  return tx.insertInto('offer_slots').values({ ...row, merchant_id: merchantId }).returningAll().executeTakeFirstOrThrow();
}

export async function listSlots(merchantId: string, tx: Tx, offerId: string, filter: { endingAfter?: Date } = {}): Promise<SlotRow[]> {
  let query = tx.selectFrom('offer_slots').selectAll().where('merchant_id', '=', merchantId).where('offer_id', '=', offerId);
  if (filter.endingAfter) query = query.where('ends_at', '>', filter.endingAfter);
  return query.orderBy('starts_at').orderBy('slot_id').execute();
}

export async function findSlot(merchantId: string, tx: Tx, slotId: string): Promise<SlotRow | undefined> {
  return tx.selectFrom('offer_slots').selectAll().where('merchant_id', '=', merchantId).where('slot_id', '=', slotId).executeTakeFirst();
}

/** Slots by id (for showing coupons with their slot). */
export async function findSlots(merchantId: string, tx: Tx, slotIds: (string | null)[]): Promise<Map<string, SlotRow>> {
  const ids = [...new Set(slotIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await tx.selectFrom('offer_slots').selectAll().where('merchant_id', '=', merchantId).where('slot_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.slot_id, r]));
}

/** Removes a slot nobody has booked; false when it has bookings (or is gone). */
export async function deleteUnbookedSlot(merchantId: string, tx: Tx, offerId: string, slotId: string): Promise<boolean> {
  const result = await tx
    .deleteFrom('offer_slots')
    .where('merchant_id', '=', merchantId)
    .where('offer_id', '=', offerId)
    .where('slot_id', '=', slotId)
    .where('booked', '=', 0)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** One place in a slot, if one is left (the same conditional UPDATE as for the offer). */
export async function takeSlotPlace(merchantId: string, tx: Tx, slotId: string): Promise<SlotRow | undefined> {
  return tx
    .updateTable('offer_slots')
    .set((eb) => ({ booked: eb('booked', '+', 1) }))
    .where('merchant_id', '=', merchantId)
    .where('slot_id', '=', slotId)
    .where((eb) => eb('booked', '<', eb.ref('capacity')))
    .returningAll()
    .executeTakeFirst();
}

// ---- claims

/** Advisory locks of claims live in their own class, apart from the members' identity locks. */
const CLAIM_LOCK_CLASS = 0x434c; // "CL"

/**
 * Serialises the claims of one person (the stitched member) for the rest of the transaction,
 * so counting their coupons and adding one cannot interleave with another claim of theirs.
 */
export async function lockMemberClaims(merchantId: string, tx: Tx, memberId: string): Promise<void> {
  const key = createHash('sha256').update(`${merchantId}\u0000${memberId}`).digest().readInt32BE(0);
  await sql`SELECT pg_advisory_xact_lock(${CLAIM_LOCK_CLASS}::int, ${key}::int)`.execute(tx);
}

/**
 * The member and every member merged into it, directly or through earlier merges, found from
 * the recorded merges (indexed by survivor). Coupons keep the member id they were claimed
 * under; the person is this set.
 */
const personSql = (merchantId: string, memberId: string) => sql`
  WITH RECURSIVE person(member_id) AS (
    SELECT ${memberId}::text
    UNION
    SELECT mm.merged_id FROM person p
      CROSS JOIN LATERAL (SELECT merged_id FROM member_merges WHERE merchant_id = ${merchantId} AND survivor_id = p.member_id) mm
  )`;

/** How many coupons of an offer the person holds (across merged members). */
export async function countPersonCoupons(merchantId: string, tx: Tx, offerId: string, memberId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    ${personSql(merchantId, memberId)}
    SELECT COALESCE(sum(c.n), 0)::int AS n FROM person p
      -- Per member id an index probe: a semi-join was planned as a walk over all of the offer's coupons.
      CROSS JOIN LATERAL (
        SELECT count(*) AS n FROM coupons WHERE merchant_id = ${merchantId} AND offer_id = ${offerId} AND member_id = p.member_id) c`.execute(tx);
  return rows[0]?.n ?? 0;
}

export interface NewCoupon {
  coupon_id: string;
  offer_id: string;
  member_id: string;
  code: string;
  terms: CouponTerms;
  store_ids: string[];
  valid_from: Date;
  valid_until: Date;
  value_cents: number | null;
  slot_id: string | null;
  visitor_id: string | null;
  click_id: string | null;
  link_id: string | null;
  channel_id: string | null;
  claimed_at: Date;
}

/** Inserts a coupon; undefined when its code is already taken (the caller draws another). */
export async function insertCoupon(merchantId: string, tx: Tx, row: NewCoupon): Promise<CouponRow | undefined> {
  return tx
    .insertInto('coupons')
    .values({ ...row, merchant_id: merchantId, terms: JSON.stringify(row.terms) })
    .onConflict((oc) => oc.columns(['merchant_id', 'code']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

// ---- coupons

/** The one indexed lookup of the counter: (merchant_id, code) is unique. */
export async function findCouponByCode(merchantId: string, tx: Tx, code: string): Promise<CouponRow | undefined> {
  return tx.selectFrom('coupons').selectAll().where('merchant_id', '=', merchantId).where('code', '=', code).executeTakeFirst();
}

export async function findCoupon(merchantId: string, tx: Tx, couponId: string): Promise<CouponRow | undefined> {
  return tx.selectFrom('coupons').selectAll().where('merchant_id', '=', merchantId).where('coupon_id', '=', couponId).executeTakeFirst();
}

export async function listOfferCoupons(merchantId: string, tx: Tx, offerId: string, limit: number): Promise<CouponRow[]> {
  return tx
    .selectFrom('coupons')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('offer_id', '=', offerId)
    .orderBy('claimed_at', 'desc')
    .orderBy('coupon_id', 'desc')
    .limit(limit)
    .execute();
}

/** The coupons of the person who holds a phone (across merges), newest first; none when the phone is unknown. */
export async function listCouponsOfPhone(merchantId: string, tx: Tx, phone: string): Promise<CouponRow[]> {
  const holder = await tx
    .selectFrom('member_identities as i')
    .innerJoin('members as m', (j) => j.onRef('m.merchant_id', '=', 'i.merchant_id').onRef('m.member_id', '=', 'i.member_id'))
    .select(['m.member_id', 'm.merged_into'])
    .where('i.merchant_id', '=', merchantId)
    .where('i.kind', '=', 'phone')
    .where('i.value', '=', phone)
    .executeTakeFirst();
  if (!holder) return [];
  const { rows } = await sql<CouponRow>`
    ${personSql(merchantId, holder.merged_into ?? holder.member_id)}
    SELECT c.* FROM person p
      CROSS JOIN LATERAL (
        SELECT * FROM coupons WHERE merchant_id = ${merchantId} AND member_id = p.member_id
         ORDER BY claimed_at DESC, coupon_id DESC LIMIT 200) c
     ORDER BY c.claimed_at DESC, c.coupon_id DESC
     LIMIT 200`.execute(tx);
  return rows;
}

/** A phone of the person (the member or its survivor), for the counter to show masked. */
export async function phoneOfMember(merchantId: string, tx: Tx, memberId: string): Promise<{ phone: string | null; name: string | null; memberId: string }> {
  const { rows } = await sql<{ member_id: string; name: string | null; phone: string | null }>`
    WITH person AS (
      SELECT COALESCE(merged_into, member_id) AS member_id FROM members WHERE merchant_id = ${merchantId} AND member_id = ${memberId}
    )
    SELECT m.member_id, m.name,
           (SELECT i.value FROM member_identities i
             WHERE i.merchant_id = ${merchantId} AND i.member_id = m.member_id AND i.kind = 'phone'
             ORDER BY i.first_seen_at, i.value LIMIT 1) AS phone
      FROM members m
     WHERE m.merchant_id = ${merchantId} AND m.member_id = (SELECT member_id FROM person)`.execute(tx);
  const row = rows[0];
  return { memberId: row?.member_id ?? memberId, name: row?.name ?? null, phone: row?.phone ?? null };
}

// ---- redemptions

/**
 * Marks the coupon redeemed if nobody has: the single-use guarantee. A concurrent confirmation
 * waits on the row and, once the first commits, finds the condition false.
 */
export async function markCouponRedeemed(merchantId: string, tx: Tx, couponId: string, redemptionId: string, at: Date): Promise<boolean> {
  const result = await tx
    .updateTable('coupons')
    .set({ redeemed_at: at, redemption_id: redemptionId })
    .where('merchant_id', '=', merchantId)
    .where('coupon_id', '=', couponId)
    .where('redeemed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function clearCouponRedemption(merchantId: string, tx: Tx, couponId: string, redemptionId: string): Promise<void> {
  await tx
    .updateTable('coupons')
    .set({ redeemed_at: null, redemption_id: null })
    .where('merchant_id', '=', merchantId)
    .where('coupon_id', '=', couponId)
    .where('redemption_id', '=', redemptionId)
    .execute();
}

/** Inserts a redemption; undefined when the till's request id was taken meanwhile. */
export async function insertRedemption(merchantId: string, tx: Tx, row: Omit<RedemptionRow, 'merchant_id' | 'undone_at' | 'undone_by_staff_id' | 'undone_by_key_id'>): Promise<RedemptionRow | undefined> {
  return tx
    .insertInto('redemptions')
    .values({ ...row, merchant_id: merchantId })
    .onConflict((oc) => oc.columns(['merchant_id', 'request_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findRedemptionByRequest(merchantId: string, tx: Tx, requestId: string): Promise<RedemptionRow | undefined> {
  return tx.selectFrom('redemptions').selectAll().where('merchant_id', '=', merchantId).where('request_id', '=', requestId).executeTakeFirst();
}

export async function findRedemption(merchantId: string, tx: Tx, redemptionId: string, lock?: 'update'): Promise<RedemptionRow | undefined> {
  let query = tx.selectFrom('redemptions').selectAll().where('merchant_id', '=', merchantId).where('redemption_id', '=', redemptionId);
  if (lock === 'update') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listRedemptions(merchantId: string, tx: Tx, storeId: string, limit: number): Promise<RedemptionRow[]> {
  return tx
    .selectFrom('redemptions')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('store_id', '=', storeId)
    .orderBy('redeemed_at', 'desc')
    .orderBy('redemption_id', 'desc')
    .limit(limit)
    .execute();
}

export async function markUndone(merchantId: string, tx: Tx, redemptionId: string, by: { at: Date; staffId: string | null; keyId: string | null }): Promise<RedemptionRow> {
  return tx
    .updateTable('redemptions')
    .set({ undone_at: by.at, undone_by_staff_id: by.staffId, undone_by_key_id: by.keyId })
    .where('merchant_id', '=', merchantId)
    .where('redemption_id', '=', redemptionId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
