import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { IdentityKind } from '../platform/schema.js';

/**
 * One identity of a person, normalised so that the same person always yields the same value:
 * phones in E.164, emails trimmed and lower-cased, external ids as `namespace:value`.
 */
export interface IdentityKey {
  kind: IdentityKind;
  value: string;
}

/** The column allows 300 characters; longer values are refused rather than cut. */
export const MAX_IDENTITY_LENGTH = 300;

const NAMESPACE = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A stable string for maps and sets (kinds contain no colon). */
export function identityKeyString(key: IdentityKey): string {
  return `${key.kind}:${key.value}`;
}

/** Segment ids may arrive as numbers; they are the same id as their decimal text. */
export function idText(raw: unknown): string | null {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  return text.length > 0 && text.length <= MAX_IDENTITY_LENGTH ? text : null;
}

/** E.164, read in the merchant's region when the number has no country code; null if not a valid number. */
export function normalizePhone(raw: string, defaultRegion: string): string | null {
  const region = isSupportedCountry(defaultRegion) ? (defaultRegion as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(raw.trim(), region ? { defaultCountry: region } : {});
  return parsed && parsed.isValid() ? parsed.number : null;
}

export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return EMAIL.test(email) && email.length <= 254 ? email : null;
}

/** `pos` + ` 123 ` → `pos:123`. Namespaces are lower case; values keep their case (open ids are case-sensitive). */
export function normalizeExternal(namespace: string, raw: unknown): string | null {
  const ns = namespace.trim().toLowerCase();
  const value = idText(raw);
  if (!NAMESPACE.test(ns) || value === null) return null;
  const external = `${ns}:${value}`;
  return external.length <= MAX_IDENTITY_LENGTH ? external : null;
}

/**
 * External ids as a caller sends them, in either of two shapes:
 * - an object of namespace → value: `{ "pos": "123", "wechat": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M" }`
 * - Segment's list: `[{ "type": "pos", "id": "123" }, …]` (`collection` and `encoding` are ignored).
 * Entries that are not usable are skipped: a bad external id must not cost the whole event.
 */
export function externalIdentities(raw: unknown): IdentityKey[] {
  const pairs: [string, unknown][] = [];
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (isRecord(entry) && typeof entry.type === 'string') pairs.push([entry.type, entry.id]);
    }
  } else if (isRecord(raw)) {
    pairs.push(...Object.entries(raw));
  }
  return pairs.flatMap(([ns, value]) => {
    const external = normalizeExternal(ns, value);
    return external ? [{ kind: 'external' as const, value: external }] : [];
  });
}

/**
 * The identities that traits carry: `phone`, `email` and `externalIds` (see docs/members.md).
 * A phone or email that cannot be read is skipped, not fatal: traits are free-form.
 */
export function identitiesFromTraits(traits: Record<string, unknown> | undefined, defaultRegion: string): IdentityKey[] {
  if (!traits) return [];
  const keys: IdentityKey[] = [];
  if (typeof traits.phone === 'string' || typeof traits.phone === 'number') {
    const phone = normalizePhone(String(traits.phone), defaultRegion);
    if (phone) keys.push({ kind: 'phone', value: phone });
  }
  if (typeof traits.email === 'string') {
    const email = normalizeEmail(traits.email);
    if (email) keys.push({ kind: 'email', value: email });
  }
  keys.push(...externalIdentities(traits.externalIds));
  return keys;
}

/** Removes repeated identities, keeping the first of each. */
export function distinctIdentities(keys: IdentityKey[]): IdentityKey[] {
  const seen = new Set<string>();
  return keys.filter((key) => {
    const s = identityKeyString(key);
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
}

/**
 * How an identity is named in a merge reason, which staff read on the profile. Phone numbers
 * and email addresses are named only by kind, so a reason never leaks them to a clerk or a log.
 */
export function describeIdentity(key: IdentityKey): string {
  switch (key.kind) {
    case 'anonymous':
      return `anonymousId=${key.value}`;
    case 'user':
      return `userId=${key.value}`;
    case 'external':
      return `externalId=${key.value}`;
    default:
      return key.kind;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
