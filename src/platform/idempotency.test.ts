import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from './idempotency.js';

describe('canonical request hashing', () => {
  it('writes objects with sorted keys at every depth, arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('hashes equal requests alike whatever the key order, and tells different ones apart', () => {
    const a = requestHash('POST', '/api/orders', { storeId: 's', totalCents: 100 });
    expect(requestHash('post', '/api/orders/', { totalCents: 100, storeId: 's' })).toBe(a);
    expect(requestHash('POST', '/api/orders', { storeId: 's', totalCents: 101 })).not.toBe(a);
    expect(requestHash('POST', '/api/stores', { storeId: 's', totalCents: 100 })).not.toBe(a);
    expect(requestHash('POST', '/api/orders?x=1', { storeId: 's', totalCents: 100 })).not.toBe(a);
    expect(requestHash('POST', '/api/orders', [1, 2])).not.toBe(requestHash('POST', '/api/orders', [2, 1]));
  });
});
