import { describe, expect, it } from 'vitest';
import { idPrefixes, isId, merchantIdFromUlid, newId } from './ids.js';

describe('ids', () => {
  it('carry the registered prefix and sort by creation time', () => {
    const ids = Array.from({ length: 1000 }, () => newId('store'));
    expect(ids.every((id) => id.startsWith('sto_'))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are recognised only with their own prefix and a well-formed ULID', () => {
    const id = newId('merchant');
    expect(isId('merchant', id)).toBe(true);
    expect(isId('store', id)).toBe(false);
    expect(isId('merchant', 'mer_123')).toBe(false);
    expect(isId('merchant', `${id}'; drop table stores; --`)).toBe(false);
    expect(merchantIdFromUlid(id.slice(4))).toBe(id);
    expect(merchantIdFromUlid('not-a-ulid')).toBeNull();
  });

  it('has one distinct prefix per kind', () => {
    const prefixes = Object.values(idPrefixes);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});
