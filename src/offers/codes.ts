/**
 * Coupon codes: what a customer shows or reads aloud at the counter.
 *
 * 11 random Crockford base32 symbols (55 bits from the CSPRNG) and Crockford's mod-37 check
 * symbol, 12 symbols in all, shown in three groups of four: `K7QM-3XV9-TDA2`. Crockford's
 * alphabet leaves out I, L, O and U, so what is read aloud or typed is hard to get wrong, and
 * the check symbol (37 is prime and larger than 32) catches every single wrong symbol and
 * every swap of two neighbours before the database is asked.
 *
 * No Node-only imports: the counter page checks what a clerk types with these same functions
 * in the browser, before it asks the server.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Check symbols: the 32 symbols for 0–31, then `*~$=U` for 32–36 (Crockford's specification). */
const CHECK_ALPHABET = `${ALPHABET}*~$=U`;

export const PAYLOAD_SYMBOLS = 11;
export const CODE_SYMBOLS = PAYLOAD_SYMBOLS + 1;
const GROUP = 4;

/** The check symbol of a payload: its value as a base-32 number, modulo 37. */
export function checkSymbol(payload: string): string {
  let remainder = 0;
  for (const symbol of payload) {
    const value = ALPHABET.indexOf(symbol);
    if (value < 0) throw new Error(`not a Crockford base32 symbol: ${symbol}`);
    remainder = (remainder * 32 + value) % 37;
  }
  return CHECK_ALPHABET[remainder]!;
}

const cryptoRandom = (size: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(size));

/** A fresh code in canonical form (no separators). `random` is for tests. */
export function generateCode(random: (size: number) => Uint8Array = cryptoRandom): string {
  // 256 is a multiple of 32, so the low five bits of a random byte are uniform.
  const payload = [...random(PAYLOAD_SYMBOLS)].map((byte) => ALPHABET[byte & 31]!).join('');
  return payload + checkSymbol(payload);
}

/** `K7QMXV93TDA2` → `K7QM-XV93-TDA2`. */
export function formatCode(canonical: string): string {
  const groups: string[] = [];
  for (let i = 0; i < canonical.length; i += GROUP) groups.push(canonical.slice(i, i + GROUP));
  return groups.join('-');
}

/**
 * What a person typed → the canonical code, or null when it cannot be one (wrong length, a
 * symbol outside the alphabet, or a check symbol that does not match). Forgiving as Crockford
 * intends: any case, dashes and spaces anywhere, I and L read as 1, O as 0.
 */
export function normalizeCode(input: string): string | null {
  if (input.length > 64) return null;
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (compact.length !== CODE_SYMBOLS) return null;
  const payload = compact.slice(0, PAYLOAD_SYMBOLS);
  const check = compact.slice(PAYLOAD_SYMBOLS);
  if (![...payload].every((symbol) => ALPHABET.includes(symbol))) return null;
  return checkSymbol(payload) === check ? compact : null;
}
