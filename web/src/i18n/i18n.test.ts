import { describe, expect, it } from 'vitest';
import en from './en.json' with { type: 'json' };
import zhCN from './zh-CN.json' with { type: 'json' };
import { pickLanguage } from './language.js';

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

describe('dictionaries', () => {
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

describe('pickLanguage', () => {
  it.each([
    { saved: null, preferred: ['zh-CN'], expected: 'zh-CN' },
    { saved: null, preferred: ['zh-TW', 'en'], expected: 'zh-CN' },
    { saved: null, preferred: ['en-GB', 'zh-CN'], expected: 'en' },
    { saved: null, preferred: ['fr-FR', 'zh'], expected: 'zh-CN' },
    { saved: null, preferred: ['fr-FR'], expected: 'en' },
    { saved: null, preferred: [], expected: 'en' },
    { saved: 'en', preferred: ['zh-CN'], expected: 'en' },
    { saved: 'zh-CN', preferred: ['en-US'], expected: 'zh-CN' },
    { saved: 'klingon', preferred: ['zh-CN'], expected: 'zh-CN' },
  ])('$saved, $preferred → $expected', ({ saved, preferred, expected }) => {
    expect(pickLanguage(saved, preferred)).toBe(expected);
  });
});
