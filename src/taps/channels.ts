import { findMerchant } from '../merchants/queries.js';
import { inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { ChannelKind } from '../platform/schema.js';
import {
  channelNameUsed,
  deleteCost,
  findChannel,
  findCost,
  insertChannel,
  insertCost,
  listChannels,
  listCosts,
  updateChannel,
  updateCost,
  type ChannelRow,
  type CostRow,
} from './queries.js';
import type { Channel, ChannelCost, CreateChannelBody, CreateCostBody, UpdateChannelBody, UpdateCostBody } from './schemas.js';

/** Channels (where taps are) and what they cost per period. */

export function toChannel(row: ChannelRow): Channel {
  return {
    id: row.channel_id,
    name: row.name,
    kind: row.kind,
    archived: row.archived_at !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toCost(row: CostRow): ChannelCost {
  return {
    id: row.cost_id,
    channelId: row.channel_id,
    amountCents: row.amount_cents,
    currency: row.currency,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    note: row.note,
    createdAt: row.created_at.toISOString(),
  };
}

export async function createChannel(db: Db, merchantId: string, body: CreateChannelBody): Promise<Channel> {
  const row = await inTenant(db, merchantId, (tx) => insertChannel(merchantId, tx, { channelId: newId('channel'), name: body.name.trim(), kind: body.kind }));
  if (!row) throw new AppError('channel_name_taken');
  return toChannel(row);
}

export async function listAllChannels(db: Db, merchantId: string, filter: { includeArchived: boolean; kind: ChannelKind | undefined }): Promise<Channel[]> {
  return (await inTenant(db, merchantId, (tx) => listChannels(merchantId, tx, filter))).map(toChannel);
}

export async function getChannel(db: Db, merchantId: string, channelId: string): Promise<Channel> {
  const row = await inTenant(db, merchantId, (tx) => findChannel(merchantId, tx, channelId));
  if (!row) throw new AppError('not_found');
  return toChannel(row);
}

export async function changeChannel(db: Db, merchantId: string, channelId: string, body: UpdateChannelBody): Promise<Channel> {
  const name = body.name?.trim();
  const row = await inTenant(db, merchantId, async (tx) => {
    const current = await findChannel(merchantId, tx, channelId);
    if (!current) throw new AppError('not_found');
    if (name !== undefined && (await channelNameUsed(merchantId, tx, name, channelId))) throw new AppError('channel_name_taken');
    return updateChannel(merchantId, tx, channelId, {
      ...(name !== undefined ? { name } : {}),
      ...(body.kind !== undefined ? { kind: body.kind } : {}),
      ...(body.archived !== undefined ? { archived_at: body.archived ? (current.archived_at ?? new Date()) : null } : {}),
    });
  });
  if (!row) throw new AppError('not_found');
  return toChannel(row);
}

/** A cost may be added to an archived channel too: it records what was spent in the past. */
export async function addCost(db: Db, merchantId: string, channelId: string, body: CreateCostBody): Promise<ChannelCost> {
  if (body.endsOn < body.startsOn) {
    throw new AppError('validation_failed', undefined, [{ path: '/body/endsOn', problem: 'must be on or after startsOn' }]);
  }
  const row = await inTenant(db, merchantId, async (tx) => {
    if (!(await findChannel(merchantId, tx, channelId))) throw new AppError('not_found');
    const merchant = await findMerchant(merchantId, tx);
    if (!merchant) throw new AppError('not_found');
    return insertCost(merchantId, tx, {
      costId: newId('channelCost'),
      channelId,
      amountCents: body.amountCents,
      currency: body.currency ?? merchant.currency,
      startsOn: body.startsOn,
      endsOn: body.endsOn,
      note: body.note?.trim() ?? '',
    });
  });
  return toCost(row);
}

export async function listChannelCosts(db: Db, merchantId: string, channelId: string): Promise<ChannelCost[]> {
  const rows = await inTenant(db, merchantId, async (tx) => {
    if (!(await findChannel(merchantId, tx, channelId))) throw new AppError('not_found');
    return listCosts(merchantId, tx, channelId);
  });
  return rows.map(toCost);
}

/** Corrects a cost entry in place; the period is checked as it will be after the change. */
export async function changeCost(db: Db, merchantId: string, channelId: string, costId: string, body: UpdateCostBody): Promise<ChannelCost> {
  const row = await inTenant(db, merchantId, async (tx) => {
    const current = await findCost(merchantId, tx, channelId, costId);
    if (!current) throw new AppError('not_found');
    if ((body.endsOn ?? current.ends_on) < (body.startsOn ?? current.starts_on)) {
      throw new AppError('validation_failed', undefined, [{ path: body.endsOn !== undefined ? '/body/endsOn' : '/body/startsOn', problem: 'the period must end on or after its start' }]);
    }
    return updateCost(merchantId, tx, channelId, costId, {
      ...(body.amountCents !== undefined ? { amount_cents: body.amountCents } : {}),
      ...(body.currency !== undefined ? { currency: body.currency } : {}),
      ...(body.startsOn !== undefined ? { starts_on: body.startsOn } : {}),
      ...(body.endsOn !== undefined ? { ends_on: body.endsOn } : {}),
      ...(body.note !== undefined ? { note: body.note.trim() } : {}),
    });
  });
  if (!row) throw new AppError('not_found');
  return toCost(row);
}

export async function removeCost(db: Db, merchantId: string, channelId: string, costId: string): Promise<void> {
  const deleted = await inTenant(db, merchantId, (tx) => deleteCost(merchantId, tx, channelId, costId));
  if (!deleted) throw new AppError('not_found');
}
