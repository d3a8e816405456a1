import { maskPhone } from '../platform/log.js';
import type { MemberSummary, Profile } from './schemas.js';

/**
 * Clerks see phone numbers masked (`+86138****5678`) in every answer. Besides phone
 * identities, traits and event payloads are free-form: any value under a key that names a
 * phone is masked too, at any depth.
 */
const PHONE_KEY = /phone|mobile|tel(?![a-z])|手机|电话/i;

export function maskSummary(summary: MemberSummary): MemberSummary {
  return { ...summary, phone: summary.phone === null ? null : maskPhone(summary.phone) };
}

export function maskProfile(profile: Profile): Profile {
  return {
    ...profile,
    traits: maskPhoneFields(profile.traits),
    identities: profile.identities.map((i) => (i.kind === 'phone' ? { ...i, value: maskPhone(i.value) } : i)),
    timeline: profile.timeline.map((entry) => ({
      ...entry,
      ...(entry.properties ? { properties: maskPhoneFields(entry.properties) } : {}),
      ...(entry.traits ? { traits: maskPhoneFields(entry.traits) } : {}),
    })),
  };
}

export function maskPhoneFields(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, maskValue(v, PHONE_KEY.test(key))]));
}

function maskValue(value: unknown, isPhone: boolean): unknown {
  if (isPhone && (typeof value === 'string' || typeof value === 'number')) return maskPhone(String(value));
  if (Array.isArray(value)) return value.map((v) => maskValue(v, isPhone));
  if (typeof value === 'object' && value !== null) return maskPhoneFields(value);
  return value;
}
