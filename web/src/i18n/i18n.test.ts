import { describe, expect, it } from 'vitest';
import en from './en.json' with { type: 'json' };
import zhCN from './zh-CN.json' with { type: 'json' };
import { pickLanguage } from './language.js';
import { describeDictionaryParity } from './parity.js';

describeDictionaryParity('dictionaries', en, zhCN);

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
