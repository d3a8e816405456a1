import { describe, expect, it } from 'vitest';
import { CODE_SYMBOLS, PAYLOAD_SYMBOLS, checkSymbol, formatCode, generateCode, normalizeCode } from './codes.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('coupon codes', () => {
  it('computes Crockford check symbols (value mod 37)', () => {
    expect(checkSymbol('0')).toBe('0');
    expect(checkSymbol('Z')).toBe('Z'); // 31
    expect(checkSymbol('10')).toBe('*'); // 32
    expect(checkSymbol('11')).toBe('~'); // 33
    expect(checkSymbol('12')).toBe('$'); // 34
    expect(checkSymbol('13')).toBe('='); // 35
    expect(checkSymbol('14')).toBe('U'); // 36
    expect(checkSymbol('15')).toBe('0'); // 37
    // 0x1F_FFFF = 2097151 = 37 × 56679 + 28 → 'W'
    expect(checkSymbol('1ZZZZ')).toBe(ALPHABET[2097151 % 37]);
  });

  it('generates 12 symbols carrying at least 50 random bits, each one valid', () => {
    expect(PAYLOAD_SYMBOLS * 5).toBeGreaterThanOrEqual(50);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateCode();
      expect(code).toHaveLength(CODE_SYMBOLS);
      expect(code.slice(0, PAYLOAD_SYMBOLS)).toMatch(/^[0-9A-HJKMNP-TV-Z]+$/);
      expect(normalizeCode(code)).toBe(code);
      seen.add(code);
    }
    expect(seen.size).toBe(2000);
  });

  it('uses every symbol of the alphabet in every position (no bias from the byte mapping)', () => {
    const counts = Array.from({ length: PAYLOAD_SYMBOLS }, () => new Set<string>());
    for (let i = 0; i < 3000; i++) [...generateCode().slice(0, PAYLOAD_SYMBOLS)].forEach((s, p) => counts[p]!.add(s));
    for (const position of counts) expect(position.size).toBe(32);
  });

  it('formats in groups of four for reading aloud', () => {
    expect(formatCode('K7QM3XV9TDA2')).toBe('K7QM-3XV9-TDA2');
  });

  it('normalises case, dashes, spaces and the look-alikes I, L → 1 and O → 0', () => {
    const payload = '1K7QM03XV9T';
    const code = payload + checkSymbol(payload);
    const typed = `ik7q-mo3x v9t${code.slice(-1).toLowerCase()}`;
    expect(normalizeCode(typed)).toBe(code);
    expect(normalizeCode(` L${code.slice(1, 4)}-${code.slice(4, 8)}-${code.slice(8)} `)).toBe(code);
    expect(normalizeCode(formatCode(code))).toBe(code);
  });

  it('catches every single wrong symbol and every swap of neighbours with the check symbol', () => {
    const code = generateCode();
    const check = code.slice(-1);
    const payload = code.slice(0, PAYLOAD_SYMBOLS);
    for (let p = 0; p < PAYLOAD_SYMBOLS; p++) {
      for (const s of ALPHABET) {
        if (s === payload[p]) continue;
        expect(normalizeCode(payload.slice(0, p) + s + payload.slice(p + 1) + check)).toBeNull();
      }
      if (p + 1 < PAYLOAD_SYMBOLS && payload[p] !== payload[p + 1]) {
        const swapped = payload.slice(0, p) + payload[p + 1] + payload[p] + payload.slice(p + 2);
        expect(normalizeCode(swapped + check)).toBeNull();
      }
    }
  });

  it.each([
    ['empty', ''],
    ['too short', 'K7QM-3XV9-TDA'],
    ['too long', 'K7QM-3XV9-TDA2-0'],
    ['U inside the payload', 'U7QM3XV9TDA2'],
    ['punctuation', 'K7QM_3XV9.TDA2'],
    ['very long input', 'A'.repeat(1000)],
  ])('refuses %s', (_label, input) => {
    expect(normalizeCode(input)).toBeNull();
  });
});
