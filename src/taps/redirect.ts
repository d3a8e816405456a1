import type { IncomingHttpHeaders } from 'node:http';
import { isId, newId } from '../platform/ids.js';
import type { ClickBuffer } from './click-buffer.js';
import { isSlug } from './destination.js';
import type { LinkCache } from './link-cache.js';
import type { DeadEnd } from './pages.js';
import { classifyUserAgent, cleanReferrer, geoOf, hashIp, isPrefetch } from './visit.js';

/** A visit to a short link: where it goes, and whether it counts as a click or a scan. */

export const VISITOR_COOKIE = 'rsv_vid';

export interface RedirectDeps {
  cache: LinkCache;
  clicks: ClickBuffer;
  geo: { countryHeader: string; regionHeader: string };
}

export interface Visit {
  slug: string;
  method: string;
  headers: IncomingHttpHeaders;
  ip: string;
  isScan: boolean;
  visitorCookie: string | undefined;
}

export type VisitOutcome =
  | { kind: 'redirect'; location: string; /** A visitor id to set as the cookie (none when it is already there). */ newVisitorId: string | null }
  | { kind: 'dead_end'; page: DeadEnd };

/**
 * Answers from memory: the link comes from the cache and the click goes into the buffer, so
 * nothing here waits on the database except the first visit of a slug in a while.
 * Bots and link previews are sent on without a visitor id or a count; HEAD requests and
 * prefetches are sent on and given a visitor id, but not counted.
 */
export async function visitLink(deps: RedirectDeps, visit: Visit): Promise<VisitOutcome> {
  if (!isSlug(visit.slug)) return { kind: 'dead_end', page: 'not_found' };
  const target = await deps.cache.resolve(visit.slug);
  if (!target) return { kind: 'dead_end', page: 'not_found' };
  const now = new Date();
  if (!target.active || (target.expiresAt !== null && target.expiresAt <= now)) return { kind: 'dead_end', page: 'gone' };

  const ua = classifyUserAgent(visit.headers['user-agent']);
  if (ua.bot) return { kind: 'redirect', location: target.location(null), newVisitorId: null };

  const known = visit.visitorCookie !== undefined && isId('visitor', visit.visitorCookie) ? visit.visitorCookie : null;
  const visitorId = known ?? newId('visitor');
  if (visit.method === 'GET' && !isPrefetch(visit.headers)) {
    deps.clicks.push({
      merchantId: target.merchantId,
      clickId: newId('click'),
      linkId: target.linkId,
      channelId: target.channelId,
      visitorId,
      occurredAt: now,
      isScan: visit.isScan,
      referrer: cleanReferrer(visit.headers.referer),
      ipHash: visit.ip ? hashIp(target.ipSalt, visit.ip) : null,
      uaFamily: ua.family,
      ...geoOf(visit.headers, deps.geo),
    });
  }
  return { kind: 'redirect', location: target.location(visitorId), newVisitorId: known ? null : visitorId };
}
