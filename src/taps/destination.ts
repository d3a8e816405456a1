import { randomBytes } from 'node:crypto';

/**
 * Where a link may lead, and the short names it may have. Pure functions, tested beside.
 */

/**
 * A destination is a page of this server given as a path (`/o/off_…`), or an absolute
 * http(s) URL. Returns the value to store, or null when it is neither. A path must not start
 * with `//` or `/\`: browsers read those as another host, which would make the short link an
 * open redirect to anywhere.
 */
export function normaliseDestination(raw: string): string | null {
  const value = raw.trim();
  // Control characters and spaces inside a URL are how header injection and parser confusion start.
  if (value === '' || /[\s\u0000-\u001f\u007f\\]/.test(value)) return null;
  if (value.startsWith('/')) return value.startsWith('//') ? null : value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // user:password@ in a link is a classic way to disguise the real host.
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return url.href;
}

/**
 * The URL to send a visitor to. The visitor id rides along only to pages of this server (a
 * path, or an absolute URL on the public origin); a third party never sees it.
 */
export function redirectLocation(destination: string, publicUrl: string, visitorId: string | null): string {
  return compileLocation(destination, publicUrl)(visitorId);
}

/**
 * Parses the destination once (when a link is loaded into the cache) and returns a cheap
 * function from visitor id to Location, so the redirect does no URL parsing per visit.
 * Visitor ids are letters, digits and `_`: they need no escaping.
 */
export function compileLocation(destination: string, publicUrl: string): (visitorId: string | null) => string {
  const url = destination.startsWith('/') ? new URL(publicUrl + destination) : new URL(destination);
  if (url.origin !== new URL(publicUrl).origin) {
    const href = url.href;
    return () => href;
  }
  const fragment = url.hash;
  url.hash = '';
  // Only when present: deleting re-serialises the query, which could re-encode it.
  if (url.searchParams.has('vid')) url.searchParams.delete('vid');
  const base = url.href;
  const separator = url.search ? '&' : '?';
  return (visitorId) => (visitorId === null ? base + fragment : `${base}${separator}vid=${visitorId}${fragment}`);
}

// 32 characters without the look-alikes 0/o, 1/l (and no upper case: a slug read aloud or
// typed from a flyer should not depend on case). 8 of them: 2^40 names, so walking the
// space to find links is hopeless.
const ALPHABET = '23456789abcdefghijkmnpqrstuvwxyz';
export const GENERATED_SLUG_LENGTH = 8;

export function generateSlug(): string {
  const bytes = randomBytes(GENERATED_SLUG_LENGTH);
  let slug = '';
  // 256 is a multiple of 32, so `& 31` picks every character with the same probability.
  for (const byte of bytes) slug += ALPHABET[byte & 31];
  return slug;
}

const SLUG = /^[A-Za-z0-9_-]{3,64}$/;
export function isSlug(value: string): boolean {
  return SLUG.test(value);
}
