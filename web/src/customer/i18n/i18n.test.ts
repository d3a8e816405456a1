import { describe, expect, it } from 'vitest';
import en from './en.json' with { type: 'json' };
import zhCN from './zh-CN.json' with { type: 'json' };
import { translate } from './index.js';
import { describeDictionaryParity } from '../../i18n/parity.js';

describeDictionaryParity('customer dictionaries', en, zhCN);

describe('translate', () => {
  it('fills placeholders and falls back to the key for a missing text', () => {
    expect(translate('en', 'offer.amountOff', { amount: '¥20' })).toBe('¥20 off');
    expect(translate('zh-CN', 'offer.amountOff', { amount: '¥20' })).toBe('立减 ¥20');
    expect(translate('en', 'coupon.status.redeemed')).toBe('Used');
    expect(translate('en', 'no.such' as never)).toBe('no.such');
  });
});
