import { inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { countLinkOutcomes, findLink } from './queries.js';
import type { LinkStats } from './schemas.js';

/**
 * What one link brought, from tap to till, counted live from the raw rows so the link page
 * agrees with the coupons and orders it lists (the analytics rollups answer for periods and
 * groups; this answers "this link, all time").
 */
export async function linkStats(db: Db, merchantId: string, linkId: string): Promise<LinkStats> {
  const counts = await inTenant(db, merchantId, async (tx) => {
    if (!(await findLink(merchantId, tx, linkId))) return undefined;
    return countLinkOutcomes(merchantId, tx, linkId);
  });
  if (!counts) throw new AppError('not_found');
  return { linkId, ...counts };
}
