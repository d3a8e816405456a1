import { CODE_SYMBOLS, formatCode, normalizeCode } from '../../../src/offers/codes.js';

/*
 * What the clerk typed, judged before the server is asked: the same forgiving reading and
 * check symbol as the server (src/offers/codes.ts), so a typo is caught at once and never
 * counts as a wrong code against the till.
 */

export type CodeCheck =
  | { state: 'empty' }
  | { state: 'short'; symbols: number }
  | { state: 'long' }
  | { state: 'typo' }
  | { state: 'ok'; code: string };

export function checkCode(input: string): CodeCheck {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length === 0) return { state: 'empty' };
  if (compact.length < CODE_SYMBOLS) return { state: 'short', symbols: compact.length };
  if (compact.length > CODE_SYMBOLS) return { state: 'long' };
  const canonical = normalizeCode(compact);
  return canonical === null ? { state: 'typo' } : { state: 'ok', code: formatCode(canonical) };
}

/** What a scanner read (a QR code carries the grouped code; anything around it is ignored). */
export function codeFromScan(text: string): string | null {
  const candidates = text.toUpperCase().match(/[0-9A-Z*~$=]{4}-?[0-9A-Z*~$=]{4}-?[0-9A-Z*~$=]{4}/g) ?? [];
  for (const candidate of candidates) {
    const check = checkCode(candidate);
    if (check.state === 'ok') return check.code;
  }
  return null;
}
