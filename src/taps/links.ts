import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { generateSlug, normaliseDestination } from './destination.js';
import type { LinkCache } from './link-cache.js';
import { claimSlug, countClicks, findChannel, findLink, insertLink, listLinks, slugsOfLink, updateLink, type LinkRow } from './queries.js';
import type { CreateLinkBody, Link, UpdateLinkBody } from './schemas.js';

/** Short links: create, list, read, change. */

export interface LinkDeps {
  db: Db;
  publicUrl: string;
  cache: LinkCache;
}

export function toLink(row: LinkRow, counts: { clicks: number; scans: number } | undefined, publicUrl: string): Link {
  return {
    id: row.link_id,
    slug: row.slug,
    channelId: row.channel_id,
    campaign: row.campaign,
    destination: row.destination,
    expiresAt: row.expires_at?.toISOString() ?? null,
    active: row.active,
    shortUrl: `${publicUrl}/l/${row.slug}`,
    qr: { png: `${publicUrl}/api/links/${row.link_id}/qr.png`, svg: `${publicUrl}/api/links/${row.link_id}/qr.svg` },
    clicks: counts?.clicks ?? 0,
    scans: counts?.scans ?? 0,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function checkedDestination(raw: string): string {
  const destination = normaliseDestination(raw);
  if (destination === null) {
    throw new AppError('validation_failed', undefined, [
      { path: '/body/destination', problem: 'must be a path on this server starting with / or an absolute http(s) URL' },
    ]);
  }
  return destination;
}

// A generated slug collides with probability ~n/2^40; a few fresh draws make failure absurd.
const GENERATE_ATTEMPTS = 5;

/** A custom slug must be free; a generated one is drawn again until it is. */
async function reserveSlug(merchantId: string, tx: Tx, linkId: string, custom: string | undefined): Promise<string> {
  if (custom !== undefined) {
    if (!(await claimSlug(merchantId, tx, custom, linkId))) throw new AppError('slug_taken');
    return custom;
  }
  for (let attempt = 0; attempt < GENERATE_ATTEMPTS; attempt++) {
    const slug = generateSlug();
    if (await claimSlug(merchantId, tx, slug, linkId)) return slug;
  }
  throw new AppError('retry_later');
}

/** The link and its directory entry are written in one transaction: both or neither. */
export async function createLink(deps: LinkDeps, merchantId: string, body: CreateLinkBody): Promise<Link> {
  const destination = checkedDestination(body.destination);
  const linkId = newId('link');
  const row = await inTenant(deps.db, merchantId, async (tx) => {
    const channel = await findChannel(merchantId, tx, body.channelId);
    if (!channel || channel.archived_at !== null) throw new AppError('invalid_reference', 'No such channel, or it is archived.');
    const slug = await reserveSlug(merchantId, tx, linkId, body.slug);
    return insertLink(merchantId, tx, {
      linkId,
      slug,
      channelId: body.channelId,
      campaign: body.campaign?.trim() || null,
      destination,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      active: body.active ?? true,
    });
  });
  // The slug may be remembered as unknown from an earlier visit.
  deps.cache.invalidate([row.slug]);
  return toLink(row, undefined, deps.publicUrl);
}

export async function listAllLinks(deps: LinkDeps, merchantId: string, filter: { channelId: string | undefined; campaign: string | undefined }): Promise<Link[]> {
  const { rows, counts } = await inTenant(deps.db, merchantId, async (tx) => {
    const rows = await listLinks(merchantId, tx, filter);
    return { rows, counts: await countClicks(merchantId, tx, rows.map((r) => r.link_id)) };
  });
  return rows.map((row) => toLink(row, counts.get(row.link_id), deps.publicUrl));
}

export async function getLink(deps: LinkDeps, merchantId: string, linkId: string): Promise<Link> {
  const found = await inTenant(deps.db, merchantId, async (tx) => {
    const row = await findLink(merchantId, tx, linkId);
    return row ? { row, counts: await countClicks(merchantId, tx, [linkId]) } : undefined;
  });
  if (!found) throw new AppError('not_found');
  return toLink(found.row, found.counts.get(linkId), deps.publicUrl);
}

/**
 * A new slug is added, not swapped: the earlier slugs keep leading to this link, because a
 * short URL that was printed or posted cannot be taken back.
 */
export async function changeLink(deps: LinkDeps, merchantId: string, linkId: string, body: UpdateLinkBody): Promise<Link> {
  const destination = body.destination !== undefined ? checkedDestination(body.destination) : undefined;
  const result = await inTenant(deps.db, merchantId, async (tx) => {
    const current = await findLink(merchantId, tx, linkId);
    if (!current) throw new AppError('not_found');
    // Only a move needs a live channel: a link may stay on the archived channel it is on.
    if (body.channelId !== undefined && body.channelId !== current.channel_id) {
      const channel = await findChannel(merchantId, tx, body.channelId);
      if (!channel || channel.archived_at !== null) throw new AppError('invalid_reference', 'No such channel, or it is archived.');
    }
    if (body.slug !== undefined && !(await claimSlug(merchantId, tx, body.slug, linkId))) throw new AppError('slug_taken');
    const row = await updateLink(merchantId, tx, linkId, {
      ...(body.channelId !== undefined ? { channel_id: body.channelId } : {}),
      ...(body.slug !== undefined ? { slug: body.slug } : {}),
      ...(destination !== undefined ? { destination } : {}),
      ...(body.campaign !== undefined ? { campaign: body.campaign?.trim() || null } : {}),
      ...(body.expiresAt !== undefined ? { expires_at: body.expiresAt ? new Date(body.expiresAt) : null } : {}),
      ...(body.active !== undefined ? { active: body.active } : {}),
    });
    if (!row) throw new AppError('not_found');
    return { row, slugs: await slugsOfLink(merchantId, tx, linkId), counts: await countClicks(merchantId, tx, [linkId]) };
  });
  deps.cache.invalidate(result.slugs);
  return toLink(result.row, result.counts.get(linkId), deps.publicUrl);
}
