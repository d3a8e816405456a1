import { randomFillSync } from 'node:crypto';
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

// ulidx asks the CSPRNG for one byte per character (16 calls per id); a pool filled 4 KB at a
// time gives the same bytes for a fraction of the cost, which the redirect pays per click.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function pooledRandom(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  // byte / 256: uniform over [0, 1), so each of the 32 symbols is equally likely (256 = 8 × 32).
  return pool[poolAt++]! / 256;
}

const ulid = monotonicFactory(pooledRandom);

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
