import { describe, expect, it } from 'vitest';
import { formatCode, generateCode } from '../../../src/offers/codes.js';
import { checkCode, codeFromScan } from './code.js';

const code = generateCode();
const grouped = formatCode(code);

describe('checkCode (the counter input)', () => {
  it('accepts any case, dashes and spaces, and answers the grouped code', () => {
    for (const typed of [code, grouped, grouped.toLowerCase(), ` ${code.slice(0, 4)} ${code.slice(4, 8)}  ${code.slice(8)} `, code.split('').join('-')]) {
      expect(checkCode(typed)).toEqual({ state: 'ok', code: grouped });
    }
  });

  it('catches a single wrong symbol with the check symbol', () => {
    const wrong = (code[0] === 'A' ? 'B' : 'A') + code.slice(1);
    expect(checkCode(wrong)).toEqual({ state: 'typo' });
  });

  it('says how far along a short code is, and when it is too long', () => {
    expect(checkCode('')).toEqual({ state: 'empty' });
    expect(checkCode(' - ')).toEqual({ state: 'empty' });
    expect(checkCode('K7QM-3X')).toEqual({ state: 'short', symbols: 6 });
    expect(checkCode(`${code}A`)).toEqual({ state: 'long' });
  });
});

describe('codeFromScan', () => {
  it('finds the code in what a scanner reads, and nothing in other text', () => {
    expect(codeFromScan(grouped)).toBe(grouped);
    expect(codeFromScan(`coupon: ${grouped.toLowerCase()}\n`)).toBe(grouped);
    expect(codeFromScan('https://example.com/')).toBeNull();
  });
});
