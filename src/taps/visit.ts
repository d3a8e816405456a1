import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import Bowser from 'bowser';
import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';

/**
 * What a redirect learns about a visit: whether to count it, and the few facts a click keeps.
 * Pure functions of the request, tested beside.
 */

/** Browsers and link-preview services announce speculative fetches in one of these headers. */
export function isPrefetch(headers: IncomingHttpHeaders): boolean {
  const purpose = `${headers['sec-purpose'] ?? ''} ${headers.purpose ?? ''} ${headers['x-purpose'] ?? ''} ${headers['x-moz'] ?? ''}`.toLowerCase();
  return purpose.includes('prefetch') || purpose.includes('preview') || purpose.includes('prerender');
}

export interface UserAgentInfo {
  /** A crawler, link-preview fetcher or script: never counted. */
  bot: boolean;
  /** Browser family ("Chrome", "Safari", "WeChat", …), or null when unknown. */
  family: string | null;
}

// The same few hundred user agents make almost all visits; parsing each once keeps the
// redirect cheap.
const userAgents = new LRUCache<string, UserAgentInfo>({ max: 2_000 });

/**
 * A request without a User-Agent is a script, not a person's browser, so it is treated as a
 * bot. The bot list is isbot's, kept up to date by its maintainers.
 */
export function classifyUserAgent(ua: string | undefined): UserAgentInfo {
  if (!ua) return { bot: true, family: null };
  const known = userAgents.get(ua);
  if (known) return known;
  const info: UserAgentInfo = { bot: isbot(ua), family: Bowser.getParser(ua).getBrowserName() || null };
  userAgents.set(ua, info);
  return info;
}

/**
 * The client address, never stored as such: an HMAC keyed with the merchant's own salt, so the
 * same visitor hashes alike within one merchant (to count unique addresses) but not across
 * merchants, and the hash cannot be reversed by trying every IPv4 address without the salt.
 */
export function hashIp(salt: string, ip: string): string {
  const key = `${salt}\u0000${ip}`;
  let hash = ipHashes.get(key);
  if (hash === undefined) {
    hash = createHmac('sha256', salt).update(ip).digest('hex');
    ipHashes.set(key, hash);
  }
  return hash;
}

// A busy link sees the same addresses again and again (mobile carriers put many phones behind
// one); the HMAC of each is computed once. Only the process's memory holds the raw address.
const ipHashes = new LRUCache<string, string>({ max: 10_000 });

/**
 * The referring page without its query and fragment, which often carry search terms, session
 * tokens or personal data; capped so one visitor cannot make a row large.
 */
export function cleanReferrer(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return `${url.origin}${url.pathname}`.slice(0, 500);
  } catch {
    return null;
  }
}

/**
 * Country and region from headers a trusted proxy sets (e.g. Cloudflare's CF-IPCountry); with
 * no header configured both are unknown. `XX` and `T1` are Cloudflare's "unknown" and "Tor".
 */
export function geoOf(
  headers: IncomingHttpHeaders,
  names: { countryHeader: string; regionHeader: string },
): { country: string | null; region: string | null } {
  const country = names.countryHeader ? headerValue(headers, names.countryHeader)?.toUpperCase() : undefined;
  const region = names.regionHeader ? headerValue(headers, names.regionHeader) : undefined;
  return {
    country: country && /^[A-Z]{2}$/.test(country) && country !== 'XX' && country !== 'T1' ? country : null,
    region: region ? region.slice(0, 100) : null,
  };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text === '' ? undefined : text;
}
