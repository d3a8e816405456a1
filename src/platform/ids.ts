import { monotonicFactory } from 'ulidx';

/**
 * One registry of id prefixes. Ids are `prefix_` + a ULID: 26 Crockford base32 characters
 * whose first ten encode the creation time, so ids sort by creation time and index well.
 */
export const idPrefixes = {
  merchant: 'mer',
  store: 'sto',
  staff: 'stf',
  session: 'ses',
  apiKey: 'key',
  channel: 'chn',
  channelCost: 'ccs',
  click: 'clk',
  visitor: 'vis',
  merge: 'mrg',
  link: 'lnk',
  member: 'mbr',
  offer: 'off',
  coupon: 'cpn',
  order: 'ord',
  event: 'evt',
  webhook: 'whk',
  outbox: 'obx',
  visit: 'vst',
  redemption: 'rdm',
  refund: 'rfd',
  otp: 'otp',
  message: 'msg',
  slot: 'slt',
  request: 'req',
} as const;

export type IdKind = keyof typeof idPrefixes;

const ulid = monotonicFactory();

export function newId(kind: IdKind): string {
  return `${idPrefixes[kind]}_${ulid()}`;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `value` is a well-formed id of `kind` (checked before it reaches SQL). */
export function isId(kind: IdKind, value: string): boolean {
  const prefix = `${idPrefixes[kind]}_`;
  return value.startsWith(prefix) && ULID.test(value.slice(prefix.length));
}

/** The ULID part of a merchant id, embedded in keys and session tokens. */
export function merchantIdFromUlid(ulidPart: string): string | null {
  return ULID.test(ulidPart) ? `${idPrefixes.merchant}_${ulidPart}` : null;
}
