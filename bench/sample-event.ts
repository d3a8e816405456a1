import { randomUUID } from 'node:crypto';

/** One track event of about 500 bytes, as a shop's website would send it. */
export function sampleEvent(visitor: string, i: number): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Product Viewed',
    anonymousId: visitor,
    messageId: randomUUID(),
    timestamp: new Date().toISOString(),
    properties: {
      sku: `SKU-${(i * 7919) % 10000}`,
      name: 'Sourdough loaf, 800 g, stone-baked with rye starter',
      category: 'bread',
      price: 2800,
      currency: 'CNY',
      store: 'Nanjing West Road',
      position: i,
      list: 'weekend specials',
      url: 'https://bakery.example.com/products/sourdough-loaf-800g?utm_source=forum',
    },
    context: { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148', locale: 'zh-CN' },
  };
}
