import type { ChannelKind, OfferKind, OpeningHours } from '../platform/schema.js';

/**
 * The demo merchant's world: a six-store bakery chain in Shanghai, its channels, links, offers
 * and products, and the calendar that moves its trade. Plain data, read by setup.ts and
 * simulate.ts.
 */

export const DEFAULT_MERCHANT_NAME = '麦香里烘焙';
export const TIMEZONE = 'Asia/Shanghai';

const weekdays = (open: string, close: string, weekendOpen = open, weekendClose = close): OpeningHours => ({
  mon: [[open, close]],
  tue: [[open, close]],
  wed: [[open, close]],
  thu: [[open, close]],
  fri: [[open, close]],
  sat: [[weekendOpen, weekendClose]],
  sun: [[weekendOpen, weekendClose]],
});

export interface DemoStore {
  name: string;
  address: string;
  phone: string;
  openingHours: OpeningHours;
  /** Share of the chain's trade. */
  weight: number;
  /** Day of the simulated year (0 = a year ago) the store opened; before it, no trade there. */
  opensOnDay: number;
}

export const STORES: DemoStore[] = [
  { name: '静安嘉里中心店', address: '上海市静安区南京西路1515号嘉里中心南区B1-12', phone: '021-62881515', openingHours: weekdays('07:30', '21:30', '08:00', '22:00'), weight: 1.35, opensOnDay: 0 },
  { name: '徐汇天平路店', address: '上海市徐汇区天平路188号（近淮海中路）', phone: '021-64310188', openingHours: weekdays('07:00', '21:00'), weight: 1.0, opensOnDay: 0 },
  { name: '浦东陆家嘴店', address: '上海市浦东新区陆家嘴环路1000号恒生银行大厦1层', phone: '021-58781000', openingHours: weekdays('07:00', '20:30', '09:00', '20:00'), weight: 1.2, opensOnDay: 0 },
  { name: '长宁愚园路店', address: '上海市长宁区愚园路1107号', phone: '021-62121107', openingHours: weekdays('08:00', '21:00', '08:30', '21:30'), weight: 0.85, opensOnDay: 0 },
  { name: '杨浦五角场店', address: '上海市杨浦区淞沪路8号百联又一城购物中心1层', phone: '021-55660808', openingHours: weekdays('08:00', '22:00'), weight: 0.95, opensOnDay: 0 },
  // The newest shop: it opened this spring, and the chain ran an opening offer for it.
  { name: '闵行七宝万科店', address: '上海市闵行区漕宝路3366号七宝万科广场L1-26', phone: '021-54863366', openingHours: weekdays('08:00', '21:30', '08:30', '22:00'), weight: 0.9, opensOnDay: 120 },
];

export interface DemoChannel {
  key: string;
  name: string;
  kind: ChannelKind;
  /** What the channel costs a month, in fen. */
  monthlyCostCents: number;
  costNote: string;
  /** Share of the people who arrive through a tap. */
  share: number;
  /** Share of its visits that are QR scans rather than clicks. */
  scanShare: number;
  /** Chance that a person arriving here claims a coupon on their first visit. */
  claim: number;
  /** Chance that a coupon claimed here is used in a store. */
  redeem: number;
  /** Chance that someone who came here buys without a coupon. */
  buyWithout: number;
  referrer: string | null;
  uaFamilies: string[];
}

export const CHANNELS: DemoChannel[] = [
  { key: 'dianping', name: '大众点评店铺', kind: 'marketplace', monthlyCostCents: 300_000, costNote: '点评推广通', share: 0.3, scanShare: 0.02, claim: 0.42, redeem: 0.55, buyWithout: 0.12, referrer: 'https://m.dianping.com/shop/', uaFamilies: ['Dianping', 'Safari', 'Chrome'] },
  { key: 'xiaohongshu', name: '小红书官方号', kind: 'social', monthlyCostCents: 600_000, costNote: '达人探店笔记', share: 0.24, scanShare: 0.03, claim: 0.3, redeem: 0.34, buyWithout: 0.06, referrer: 'https://www.xiaohongshu.com/explore/', uaFamilies: ['Xiaohongshu', 'Safari', 'Chrome'] },
  { key: 'amap', name: '高德地图商户', kind: 'search', monthlyCostCents: 80_000, costNote: '商户认证与置顶', share: 0.1, scanShare: 0.0, claim: 0.18, redeem: 0.72, buyWithout: 0.3, referrer: 'https://www.amap.com/place/', uaFamilies: ['Amap', 'Safari', 'Chrome'] },
  { key: 'douban', name: '豆瓣同城小组', kind: 'forum', monthlyCostCents: 30_000, costNote: '小组活动赞助', share: 0.06, scanShare: 0.01, claim: 0.28, redeem: 0.3, buyWithout: 0.05, referrer: 'https://www.douban.com/group/', uaFamilies: ['Chrome', 'Safari', 'Firefox'] },
  { key: 'flyer', name: '社区传单', kind: 'offline_print', monthlyCostCents: 250_000, costNote: '印刷与派发', share: 0.13, scanShare: 0.92, claim: 0.5, redeem: 0.62, buyWithout: 0.15, referrer: null, uaFamilies: ['WeChat', 'Alipay', 'Safari'] },
  { key: 'referral', name: '老带新推荐', kind: 'referral', monthlyCostCents: 150_000, costNote: '推荐奖励', share: 0.08, scanShare: 0.35, claim: 0.62, redeem: 0.7, buyWithout: 0.2, referrer: null, uaFamilies: ['WeChat', 'WeChat', 'Safari'] },
];

/** People who walk in without any tap: the channel `direct`. */
export const DIRECT_SHARE = 0.14;

export interface DemoLink {
  channel: string;
  slugHint: string;
  campaign: string | null;
  /** Offer key the link leads to, or null for the store list. */
  offer: string | null;
  weight: number;
}

export const LINKS: DemoLink[] = [
  { channel: 'dianping', slugHint: 'dp-new', campaign: 'new-customer', offer: 'welcome', weight: 3 },
  { channel: 'dianping', slugHint: 'dp-coffee', campaign: 'coffee-morning', offer: 'coffee', weight: 1 },
  { channel: 'dianping', slugHint: 'dp-mooncake', campaign: 'mid-autumn', offer: 'mooncake', weight: 1 },
  { channel: 'xiaohongshu', slugHint: 'xhs-note', campaign: 'kol-notes', offer: 'welcome', weight: 3 },
  { channel: 'xiaohongshu', slugHint: 'xhs-520', campaign: '520', offer: 'tuesday', weight: 1 },
  { channel: 'xiaohongshu', slugHint: 'xhs-diy', campaign: 'cake-diy', offer: 'diy', weight: 1 },
  { channel: 'amap', slugHint: 'map-stores', campaign: null, offer: null, weight: 3 },
  { channel: 'amap', slugHint: 'map-coffee', campaign: 'coffee-morning', offer: 'coffee', weight: 1 },
  { channel: 'douban', slugHint: 'db-group', campaign: 'weekend-group', offer: 'tuesday', weight: 1 },
  { channel: 'flyer', slugHint: 'flyer-jingan', campaign: 'flyer-community', offer: 'welcome', weight: 2 },
  { channel: 'flyer', slugHint: 'flyer-qibao', campaign: 'grand-opening', offer: 'opening', weight: 1 },
  { channel: 'flyer', slugHint: 'flyer-mooncake', campaign: 'mid-autumn', offer: 'mooncake', weight: 1 },
  { channel: 'referral', slugHint: 'friend-card', campaign: 'bring-a-friend', offer: 'welcome', weight: 1 },
];

export interface DemoOffer {
  key: string;
  name: string;
  description: string;
  kind: OfferKind;
  amountOffCents?: number;
  percentOff?: number;
  maxDiscountCents?: number;
  freeItem?: string;
  itemValueCents?: number;
  minSpendCents?: number;
  validDays?: number;
  /** Days of the simulated year the offer runs (claims accepted), inclusive. */
  runs?: { fromDay: number; untilDay: number };
  /** Only at these stores (indexes into STORES). */
  stores?: number[];
  perPersonLimit?: number;
}

/** `runs` of seasonal offers are filled in by the calendar (they depend on when the year is). */
export const OFFERS: DemoOffer[] = [
  { key: 'welcome', name: '新客立减10元', description: '首次到店消费满30元立减10元。', kind: 'amount_off', amountOffCents: 1000, minSpendCents: 3000, validDays: 14 },
  { key: 'tuesday', name: '周二会员日8折', description: '全场烘焙8折，最多减20元。', kind: 'percent_off', percentOff: 20, maxDiscountCents: 2000, validDays: 7, perPersonLimit: 12 },
  { key: 'coffee', name: '早安咖啡免费兑', description: '早餐时段凭券兑换美式咖啡一杯。', kind: 'free_item', freeItem: '美式咖啡（中杯）', itemValueCents: 1800, validDays: 10, perPersonLimit: 3 },
  { key: 'diy', name: '周末蛋糕DIY体验课', description: '周末下午两小时，亲手装饰一只6寸蛋糕。', kind: 'booking', freeItem: '6寸蛋糕DIY课', itemValueCents: 9800 },
  { key: 'mooncake', name: '中秋月饼礼盒立减30元', description: '月饼礼盒满168元减30元。', kind: 'amount_off', amountOffCents: 3000, minSpendCents: 16800 },
  { key: 'opening', name: '七宝新店开业立减15元', description: '七宝万科店开业，满40元减15元。', kind: 'amount_off', amountOffCents: 1500, minSpendCents: 4000, validDays: 10, stores: [5] },
  { key: 'newyear', name: '春节年货礼盒9折', description: '年货礼盒9折，最多减50元。', kind: 'percent_off', percentOff: 10, maxDiscountCents: 5000 },
];

export interface Product {
  name: string;
  sku: string;
  priceCents: number;
  /** Relative popularity in an ordinary basket. */
  weight: number;
  /** Only sold in a season (calendar key), if set. */
  season?: SeasonKey;
}

export type SeasonKey = 'spring_festival' | 'valentine' | 'qingming' | 'dragon_boat' | 'mid_autumn' | 'christmas';

export const PRODUCTS: Product[] = [
  { name: '法式可颂', sku: 'BR-CROISSANT', priceCents: 1200, weight: 10 },
  { name: '碱水结', sku: 'BR-PRETZEL', priceCents: 900, weight: 6 },
  { name: '全麦吐司', sku: 'BR-TOAST-WW', priceCents: 1800, weight: 7 },
  { name: '肉松小贝（4只装）', sku: 'CK-ROUSONG4', priceCents: 2800, weight: 8 },
  { name: '脏脏包', sku: 'BR-DIRTY', priceCents: 1600, weight: 5 },
  { name: '葡式蛋挞', sku: 'PS-TART', priceCents: 700, weight: 9 },
  { name: '菠萝包', sku: 'BR-PINEAPPLE', priceCents: 800, weight: 6 },
  { name: '重芝士蛋糕（切块）', sku: 'CK-CHEESE-SL', priceCents: 2600, weight: 5 },
  { name: '提拉米苏杯', sku: 'CK-TIRAMISU', priceCents: 3200, weight: 3 },
  { name: '美式咖啡', sku: 'DR-AMERICANO', priceCents: 1800, weight: 7 },
  { name: '燕麦拿铁', sku: 'DR-OATLATTE', priceCents: 2600, weight: 5 },
  { name: '6寸生日蛋糕', sku: 'CK-BDAY6', priceCents: 16800, weight: 0.8 },
  { name: '8寸生日蛋糕', sku: 'CK-BDAY8', priceCents: 23800, weight: 0.5 },
  { name: '年货糕点礼盒', sku: 'GB-NEWYEAR', priceCents: 19800, weight: 4, season: 'spring_festival' },
  { name: '心形草莓慕斯', sku: 'CK-HEART', priceCents: 8800, weight: 3, season: 'valentine' },
  { name: '艾草青团（6只装）', sku: 'PS-QINGTUAN6', priceCents: 3600, weight: 5, season: 'qingming' },
  { name: '粽子礼盒', sku: 'GB-ZONGZI', priceCents: 12800, weight: 3, season: 'dragon_boat' },
  { name: '经典月饼礼盒', sku: 'GB-MOONCAKE', priceCents: 26800, weight: 5, season: 'mid_autumn' },
  { name: '流心奶黄月饼礼盒', sku: 'GB-MOONCAKE-LX', priceCents: 36800, weight: 3, season: 'mid_autumn' },
  { name: '圣诞树桩蛋糕', sku: 'CK-YULELOG', priceCents: 19800, weight: 3, season: 'christmas' },
];

/** How a sale is paid in a Shanghai bakery: the wallets dominate. */
export const PAYMENT_MIX: [string, number][] = [
  ['wechat_pay', 0.5],
  ['alipay', 0.31],
  ['stored_value', 0.055],
  ['cash', 0.045],
  ['unionpay', 0.05],
  ['bank_card', 0.04],
];

/** Mobile prefixes of the three carriers, so the numbers read as real ones (they are not). */
export const PHONE_PREFIXES = ['139', '138', '137', '136', '135', '150', '151', '152', '158', '159', '186', '185', '187', '188', '133', '153', '177', '180', '189', '199'];

// Lunar holidays move each year; a table is simpler and surer than a lunar calendar.
const LUNAR: Record<number, { springFestival: string; dragonBoat: string; qixi: string; midAutumn: string }> = {
  2024: { springFestival: '2024-02-10', dragonBoat: '2024-06-10', qixi: '2024-08-10', midAutumn: '2024-09-17' },
  2025: { springFestival: '2025-01-29', dragonBoat: '2025-05-31', qixi: '2025-08-29', midAutumn: '2025-10-06' },
  2026: { springFestival: '2026-02-17', dragonBoat: '2026-06-19', qixi: '2026-08-19', midAutumn: '2026-09-25' },
  2027: { springFestival: '2027-02-06', dragonBoat: '2027-06-09', qixi: '2027-08-08', midAutumn: '2027-09-15' },
  2028: { springFestival: '2028-01-26', dragonBoat: '2028-05-28', qixi: '2028-08-26', midAutumn: '2028-10-03' },
  2029: { springFestival: '2029-02-13', dragonBoat: '2029-06-16', qixi: '2029-08-16', midAutumn: '2029-09-22' },
};

export interface DayTrade {
  /** Multiplies arrivals, visits and sales. */
  traffic: number;
  /** Multiplies coupon claims (online shopping festivals bring more claims than visits). */
  claims: number;
  seasons: SeasonKey[];
  holiday: string | null;
}

const DAY_MS = 86_400_000;
const WEEKDAY_TRAFFIC = [1.3, 0.82, 0.85, 0.9, 0.95, 1.1, 1.4]; // Sunday first

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** The calendar that shapes one local day's trade. */
export function tradeOf(date: string): DayTrade {
  const d = dayNumber(date);
  const weekday = new Date(d * DAY_MS).getUTCDay();
  const year = Number(date.slice(0, 4));
  const md = date.slice(5);
  let traffic = WEEKDAY_TRAFFIC[weekday]!;
  let claims = 1;
  const seasons: SeasonKey[] = [];
  let holiday: string | null = null;
  const near = (day: string | undefined, before: number, after: number) => day !== undefined && d >= dayNumber(day) - before && d <= dayNumber(day) + after;
  const lunar = LUNAR[year];
  const nextLunar = LUNAR[year + 1];

  for (const sf of [lunar?.springFestival, nextLunar?.springFestival]) {
    if (near(sf, 14, -1)) {
      traffic *= 1.55; // buying gift boxes for the family
      seasons.push('spring_festival');
      holiday = '春节前';
    } else if (near(sf, 0, 6)) {
      traffic *= 0.55; // the city empties: people go home
      holiday = '春节';
    }
  }
  if (md >= '02-10' && md <= '02-14') seasons.push('valentine');
  if (md === '02-14') {
    traffic *= 1.4;
    holiday = '情人节';
  }
  if (md >= '03-25' && md <= '04-06') {
    seasons.push('qingming');
    traffic *= 1.08;
  }
  if (md === '05-20' || md === '05-19') {
    traffic *= 1.45;
    claims *= 1.6;
    seasons.push('valentine');
    holiday = '520';
  }
  if (near(lunar?.qixi, 2, 0)) {
    traffic *= 1.3;
    seasons.push('valentine');
    holiday = '七夕';
  }
  if (near(lunar?.dragonBoat, 10, 0)) {
    seasons.push('dragon_boat');
    traffic *= 1.12;
  }
  if (near(lunar?.midAutumn, 24, 0)) {
    const daysLeft = dayNumber(lunar!.midAutumn) - d;
    traffic *= daysLeft <= 10 ? 2.3 : 1.45; // mooncake gift boxes, peaking in the last ten days
    claims *= 1.5;
    seasons.push('mid_autumn');
    holiday = '中秋';
  }
  if (md >= '10-01' && md <= '10-07') {
    traffic *= 1.3;
    holiday = '国庆';
  }
  if (md >= '11-01' && md <= '11-11') {
    claims *= md >= '11-09' ? 2.6 : 1.5; // Double 11: people hoard coupons online
    holiday = md === '11-11' ? '双十一' : holiday;
  }
  if (md === '12-12') claims *= 1.8;
  if (md >= '12-20' && md <= '12-25') {
    traffic *= 1.25;
    seasons.push('christmas');
    holiday = md >= '12-24' ? '圣诞' : holiday;
  }
  if (md === '01-01') traffic *= 0.9;
  return { traffic, claims, seasons, holiday };
}

/** Days around the Mid-Autumn festival and Spring Festival of a year, for the seasonal offers. */
export function lunarDates(year: number): { springFestival: string; midAutumn: string } | null {
  const l = LUNAR[year];
  return l ? { springFestival: l.springFestival, midAutumn: l.midAutumn } : null;
}

/** Share of a day's trade in each hour (0–23) for store sales and for online browsing. */
export const SALE_HOURS = [0, 0, 0, 0, 0, 0, 0, 4, 9, 7, 5, 6, 8, 5, 4, 5, 6, 8, 9, 7, 5, 3, 1, 0];
export const BROWSE_HOURS = [1, 0.5, 0.2, 0.1, 0.1, 0.2, 0.6, 2, 3, 3, 3, 4, 5, 4, 3, 3, 3, 4, 5, 6, 7, 8, 7, 3];
