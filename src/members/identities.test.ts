import { describe, expect, it } from 'vitest';
import { describeIdentity, externalIdentities, identitiesFromTraits, normalizeEmail, normalizePhone } from './identities.js';

describe('identity normalisation', () => {
  it.each([
    ['13812345678', 'CN', '+8613812345678'],
    ['138 1234 5678', 'CN', '+8613812345678'],
    ['+86 138-1234-5678', 'US', '+8613812345678'],
    ['0086 13812345678', 'CN', '+8613812345678'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['12', 'CN', null],
    ['not a phone', 'CN', null],
  ])('phone %s in %s → %s', (raw, region, expected) => {
    expect(normalizePhone(raw, region)).toBe(expected);
  });

  it('trims and lower-cases email addresses, and refuses what is not one', () => {
    expect(normalizeEmail('  Li.Wei@Example.COM ')).toBe('li.wei@example.com');
    expect(normalizeEmail('no-at-sign')).toBeNull();
  });

  it('reads external ids as an object or as Segment-style list, skipping unusable entries', () => {
    expect(externalIdentities({ POS: ' 123 ', wechat: 'oAbC_9', 'bad ns': 'x', empty: '' })).toEqual([
      { kind: 'external', value: 'pos:123' },
      { kind: 'external', value: 'wechat:oAbC_9' },
    ]);
    expect(externalIdentities([{ type: 'taobao', id: 'nick', collection: 'users' }, { id: 'no-type' }])).toEqual([{ kind: 'external', value: 'taobao:nick' }]);
  });

  it('takes phone, email and external ids from traits', () => {
    expect(identitiesFromTraits({ phone: '138 1234 5678', email: 'A@B.CN', externalIds: { pos: 7 }, name: 'x' }, 'CN')).toEqual([
      { kind: 'phone', value: '+8613812345678' },
      { kind: 'email', value: 'a@b.cn' },
      { kind: 'external', value: 'pos:7' },
    ]);
  });

  it('never names a phone or an email in a merge reason', () => {
    expect(describeIdentity({ kind: 'phone', value: '+8613812345678' })).toBe('phone');
    expect(describeIdentity({ kind: 'email', value: 'a@b.cn' })).toBe('email');
    expect(describeIdentity({ kind: 'user', value: 'u1' })).toBe('userId=u1');
  });
});
