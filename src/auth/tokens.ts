import { createHash, randomBytes } from 'node:crypto';
import { idPrefixes, merchantIdFromUlid } from '../platform/ids.js';
import type { KeyKind } from '../platform/schema.js';

/**
 * Session tokens and API keys carry the merchant's id in clear, so the server can set the
 * tenant before it looks the secret up (row-level security allows nothing else). Only a
 * SHA-256 of the secret part is stored: the secrets are 256 random bits, so a slow hash adds
 * nothing.
 */

const MERCHANT_PREFIX = `${idPrefixes.merchant}_`;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface ParsedToken {
  merchantId: string;
  secret: string;
}

export function newSessionToken(merchantId: string): { token: string; secret: string } {
  const secret = newSecret();
  return { token: `${merchantId.slice(MERCHANT_PREFIX.length)}.${secret}`, secret };
}

export function parseSessionToken(token: string): ParsedToken | null {
  const dot = token.indexOf('.');
  if (dot !== 26) return null;
  const merchantId = merchantIdFromUlid(token.slice(0, dot));
  const secret = token.slice(dot + 1);
  return merchantId && SECRET.test(secret) ? { merchantId, secret } : null;
}

const KEY_PREFIX: Record<KeyKind, string> = { publishable: 'pk', secret: 'sk' };

export function newApiKey(kind: KeyKind, merchantId: string): { token: string; secret: string; hint: string } {
  const secret = newSecret();
  const token = `${KEY_PREFIX[kind]}_${merchantId.slice(MERCHANT_PREFIX.length)}_${secret}`;
  return { token, secret, hint: `${KEY_PREFIX[kind]}_…${secret.slice(-4)}` };
}

export function parseApiKey(token: string): (ParsedToken & { kind: KeyKind }) | null {
  const kind: KeyKind | null = token.startsWith('sk_') ? 'secret' : token.startsWith('pk_') ? 'publishable' : null;
  if (!kind || token[29] !== '_') return null;
  const merchantId = merchantIdFromUlid(token.slice(3, 29));
  const secret = token.slice(30);
  return merchantId && SECRET.test(secret) ? { merchantId, secret, kind } : null;
}
