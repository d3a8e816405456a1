import type { Config } from '../platform/config.js';

/**
 * How a sale was paid: a closed list, so the payment mix adds up, that a merchant extends with
 * EXTRA_PAYMENT_METHODS for what its tills also take (e.g. `meituan_pay`).
 */
export const BUILT_IN_PAYMENT_METHODS = ['cash', 'bank_card', 'alipay', 'wechat_pay', 'unionpay', 'stored_value', 'other'] as const;

export function paymentMethodsOf(config: Pick<Config, 'extraPaymentMethods'>): string[] {
  return [...new Set<string>([...BUILT_IN_PAYMENT_METHODS, ...config.extraPaymentMethods])];
}
