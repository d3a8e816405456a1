import { describe, expect, it } from 'vitest';

/*
 * The checks every pair of dictionaries passes (the dashboard's and the customer pages' own):
 * the same keys, no empty text, the same placeholders in both languages. Test-only.
 */

/** Every leaf of a dictionary as `dotted.key` → text. */
function leaves(dictionary: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(dictionary)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null) for (const [k, v] of leaves(value, path)) out.set(k, v);
    else out.set(path, value);
  }
  return out;
}

const placeholders = (text: unknown) => [...String(text).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

export function describeDictionaryParity(name: string, en: object, zhCN: object): void {
  describe(name, () => {
    const english = leaves(en);
    const chinese = leaves(zhCN);

    it('have exactly the same keys', () => {
      expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
    });

    it.each([
      ['en', english],
      ['zh-CN', chinese],
    ])('%s has a non-empty text for every key', (_name, dictionary) => {
      const bad = [...dictionary].filter(([, text]) => typeof text !== 'string' || text.trim() === '').map(([key]) => key);
      expect(bad).toEqual([]);
    });

    it('use the same placeholders in both languages', () => {
      const differ = [...english].filter(([key, text]) => placeholders(text).join() !== placeholders(chinese.get(key)).join()).map(([key]) => key);
      expect(differ).toEqual([]);
    });
  });
}
