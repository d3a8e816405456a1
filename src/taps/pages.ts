/**
 * The small pages a visitor sees when a short link leads nowhere. Chinese first (the main
 * audience), English below; no scripts, no external resources.
 */

export type DeadEnd = 'not_found' | 'gone' | 'unavailable';

const texts: Record<DeadEnd, { status: number; zh: [string, string]; en: [string, string] }> = {
  not_found: {
    status: 404,
    zh: ['找不到这个链接', '请检查链接是否完整，或向商家索取新的链接。'],
    en: ['This link does not exist', 'Check that the link is complete, or ask the business for a new one.'],
  },
  gone: {
    status: 410,
    zh: ['这个链接已失效', '活动可能已经结束。请向商家索取新的链接。'],
    en: ['This link is no longer active', 'The campaign may have ended. Ask the business for a new link.'],
  },
  unavailable: {
    status: 503,
    zh: ['暂时无法打开', '请稍后再试。'],
    en: ['Cannot open this link right now', 'Please try again in a moment.'],
  },
};

export function deadEndPage(kind: DeadEnd): { status: number; html: string } {
  const t = texts[kind];
  const html =
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<meta name="robots" content="noindex"><title>${t.zh[0]} · ${t.en[0]}</title>` +
    '<style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:32rem;margin:18vh auto;padding:0 1.5rem;color:#222;line-height:1.5}' +
    'h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:0 0 1.5rem;color:#555}[lang=en] h1{font-size:1.1rem}</style></head><body>' +
    `<main><section><h1>${t.zh[0]}</h1><p>${t.zh[1]}</p></section>` +
    `<section lang="en"><h1>${t.en[0]}</h1><p>${t.en[1]}</p></section></main></body></html>`;
  return { status: t.status, html };
}
