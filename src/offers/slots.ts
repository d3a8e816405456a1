import { inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { findActiveStoreIds } from '../stores/queries.js';
import { toSlot } from './present.js';
import { deleteUnbookedSlot, findOffer, findSlot, insertSlot, listSlots } from './queries.js';
import type { CreateSlotBody, Slot } from './schemas.js';

/** Time slots of appointment (booking) offers: a time at one store with a number of places. */

export async function addSlot(db: Db, merchantId: string, offerId: string, body: CreateSlotBody): Promise<Slot> {
  const startsAt = new Date(body.startsAt);
  const endsAt = new Date(body.endsAt);
  if (endsAt <= startsAt) throw new AppError('validation_failed', undefined, [{ path: '/body/endsAt', problem: 'must be after startsAt' }]);
  return inTenant(db, merchantId, async (tx) => {
    const offer = await findOffer(merchantId, tx, offerId);
    if (!offer) throw new AppError('not_found');
    if (offer.kind !== 'booking') throw new AppError('validation_failed', 'Only booking offers have time slots.', [{ path: '/params/offerId', problem: 'is not a booking offer' }]);
    if (offer.state === 'ended') throw new AppError('offer_ended');
    if ((await findActiveStoreIds(merchantId, tx, [body.storeId])).length === 0) throw new AppError('invalid_reference', 'No such store, or it is archived.');
    if (offer.store_ids.length > 0 && !offer.store_ids.includes(body.storeId)) {
      throw new AppError('validation_failed', undefined, [{ path: '/body/storeId', problem: 'is not one of the stores of this offer' }]);
    }
    return toSlot(await insertSlot(merchantId, tx, { slot_id: newId('slot'), offer_id: offerId, store_id: body.storeId, starts_at: startsAt, ends_at: endsAt, capacity: body.capacity }));
  });
}

export async function listOfferSlots(db: Db, merchantId: string, offerId: string): Promise<Slot[]> {
  return inTenant(db, merchantId, async (tx) => {
    if (!(await findOffer(merchantId, tx, offerId))) throw new AppError('not_found');
    return (await listSlots(merchantId, tx, offerId)).map(toSlot);
  });
}

/** A slot someone has booked stays: their voucher points at it. */
export async function removeSlot(db: Db, merchantId: string, offerId: string, slotId: string): Promise<void> {
  await inTenant(db, merchantId, async (tx) => {
    const slot = await findSlot(merchantId, tx, slotId);
    if (!slot || slot.offer_id !== offerId) throw new AppError('not_found');
    if (!(await deleteUnbookedSlot(merchantId, tx, offerId, slotId))) throw new AppError('conflict', 'This slot has bookings and cannot be removed.');
  });
}
