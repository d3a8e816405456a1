import { LRUCache } from 'lru-cache';
import { inDirectory, inTenant, type Db } from '../platform/db.js';
import { compileLocation } from './destination.js';
import { findRedirectTarget, findSlug } from './queries.js';

/** What the redirect needs to answer and to record a click, without touching the database. */
export interface RedirectTarget {
  merchantId: string;
  linkId: string;
  channelId: string;
  /** The Location header for a visitor (or for nobody: bots), prepared once per load. */
  location: (visitorId: string | null) => string;
  expiresAt: Date | null;
  active: boolean;
  /** The merchant's salt for hashing client addresses (loaded with the link, never sent out). */
  ipSalt: string;
}

type Entry = { target: RedirectTarget | null };

/**
 * Short slug → link, remembered for a few seconds. A printed QR code or a viral post sends
 * the same slug many times a second; reading two tables for each would make the database the
 * limit of the redirect, which must answer at once. Changes made through this process
 * invalidate their slugs at once; another process sees them within the TTL (docs/taps.md).
 * Unknown slugs are remembered too, so guessing slugs costs the database little; creating a
 * link in this process clears its slug from that memory.
 */
export class LinkCache {
  readonly #cache: LRUCache<string, Entry>;

  constructor(db: Db, options: { publicUrl: string; ttlMs: number; max?: number }) {
    this.#cache = new LRUCache<string, Entry>({
      max: options.max ?? 10_000,
      ttl: options.ttlMs,
      // Concurrent misses for one slug share a single load.
      fetchMethod: async (slug) => ({ target: await loadTarget(db, options.publicUrl, slug) }),
    });
  }

  async resolve(slug: string): Promise<RedirectTarget | null> {
    const hit = this.#cache.get(slug);
    if (hit) return hit.target;
    const loaded = await this.#cache.fetch(slug);
    return loaded?.target ?? null;
  }

  /** Forget these slugs (after a committed change); a load in flight for one is discarded. */
  invalidate(slugs: Iterable<string>): void {
    for (const slug of slugs) this.#cache.delete(slug);
  }
}

async function loadTarget(db: Db, publicUrl: string, slug: string): Promise<RedirectTarget | null> {
  const entry = await inDirectory(db, (tx) => findSlug(tx, slug));
  if (!entry) return null;
  const row = await inTenant(db, entry.merchant_id, (tx) => findRedirectTarget(entry.merchant_id, tx, entry.link_id));
  if (!row) return null;
  return {
    merchantId: entry.merchant_id,
    linkId: row.link_id,
    channelId: row.channel_id,
    location: compileLocation(row.destination, publicUrl),
    expiresAt: row.expires_at,
    active: row.active,
    ipSalt: row.ip_salt,
  };
}
