import { describe, expect, it } from 'vitest';
import { newId } from '../platform/ids.js';
import { newApiKey, newSessionToken, parseApiKey, parseSessionToken } from './tokens.js';

describe('tokens', () => {
  const merchantId = newId('merchant');

  it('round-trips session tokens and keys, carrying the merchant', () => {
    const session = newSessionToken(merchantId);
    expect(parseSessionToken(session.token)).toEqual({ merchantId, secret: session.secret });
    for (const kind of ['secret', 'publishable'] as const) {
      const key = newApiKey(kind, merchantId);
      expect(key.token.startsWith(kind === 'secret' ? 'sk_' : 'pk_')).toBe(true);
      expect(parseApiKey(key.token)).toEqual({ merchantId, secret: key.secret, kind });
      expect(key.hint.endsWith(key.secret.slice(-4))).toBe(true);
    }
  });

  it('rejects anything malformed', () => {
    const key = newApiKey('secret', merchantId).token;
    for (const bad of ['', 'sk_', key.slice(0, -1), key.replace('sk_', 'xk_'), `${key}x`, key.replace(/_/, '-')]) {
      expect(parseApiKey(bad)).toBeNull();
    }
    const session = newSessionToken(merchantId).token;
    for (const bad of ['', '.', session.slice(1), `${session}!`]) {
      expect(parseSessionToken(bad)).toBeNull();
    }
  });

  it('never repeats a secret', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => newApiKey('secret', merchantId).secret));
    expect(seen.size).toBe(1000);
  });
});
