import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launchBrowser, PHONE, screenshot, scrollWidth, startServer, type RunningServer } from './helpers.js';

/*
 * The whole loop, as the three kinds of people do it: the owner sets up the business and
 * publishes an offer behind a short link; a customer on a phone opens the link, claims with the
 * code the development message provider "sent", and gets the coupon's QR; a clerk redeems it at
 * the counter and records the sale; the owner's numbers show one click, one claim, one visit,
 * one order and how it was paid.
 *
 * The owner's store, channel, link, offer and clerk are created through the API from the
 * owner's signed-in browser (the same session cookie the dashboard uses): the dashboard pages
 * for them are being built alongside and are tested on their own.
 */

const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const owner = { merchant: 'Golden Crust', name: 'Mei Chen', email: 'owner@example.com', password: 'correct horse battery' };
const clerk = { name: 'Li Lei', email: 'clerk@example.com', password: 'clerk password 1' };
const customerPhone = '138 1234 5678';

interface World {
  merchantId: string;
  storeId: string;
  channelId: string;
  linkId: string;
  offerId: string;
  couponCode: string;
}

describe('the O2O loop in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let ownerContext: BrowserContext;
  let ownerPage: Page;
  const world: Partial<World> = {};
  const problems: string[] = [];

  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      // 401s are how the app learns nobody is signed in; 404/409s are refusals the pages show in words.
      if (message.type() === 'error' && !/status of (401|404|409)/.test(message.text())) problems.push(`${page.url()}: ${message.text()}`);
    });
  };

  /** A JSON call with the owner's session. */
  const call = async <T,>(request: APIRequestContext, method: 'GET' | 'POST', path: string, data?: object): Promise<T> => {
    const response = method === 'GET' ? await request.get(`${server.url}${path}`) : await request.post(`${server.url}${path}`, { data: data ?? {} });
    const body = await response.text();
    expect(response.status(), `${method} ${path}: ${body}`).toBeLessThan(300);
    return JSON.parse(body) as T;
  };
  const asOwner = <T,>(method: 'GET' | 'POST', path: string, data?: object) => call<T>(ownerPage.request, method, path, data);

  /** The last code the development provider "sent" to a phone ending in these digits. */
  const codeSentTo = async (lastDigits: string): Promise<string> => {
    const { data } = await asOwner<{ data: { to: string; text: string }[] }>('GET', '/api/dev/messages');
    const message = data.find((m) => m.to.endsWith(lastDigits));
    expect(message, `a message to …${lastDigits}`).toBeDefined();
    return /\d{6}/.exec(message!.text)![0];
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ownerContext = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai', viewport: DESKTOP });
    ownerPage = await ownerContext.newPage();
    watch(ownerPage);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the owner sets up the business on first run', async () => {
    await ownerPage.goto(`${server.url}/`);
    await ownerPage.waitForURL((url) => url.pathname === '/setup');
    await ownerPage.fill('input[name=merchantName]', owner.merchant);
    await ownerPage.fill('input[name=ownerName]', owner.name);
    await ownerPage.fill('input[name=ownerEmail]', owner.email);
    await ownerPage.fill('input[name=ownerPassword]', owner.password);
    await ownerPage.getByRole('button', { name: 'Create my business' }).click();
    await ownerPage.waitForURL((url) => url.pathname === '/');
    const me = await asOwner<{ merchant: { id: string } }>('GET', '/api/auth/me');
    world.merchantId = me.merchant.id;
  });

  it('the owner adds a store, a channel, an offer, a short link to the offer page, and a clerk', async () => {
    const store = await asOwner<{ id: string }>('POST', '/api/stores', {
      name: 'People’s Square',
      address: '1 People’s Avenue, Huangpu, Shanghai',
      phone: '021 6123 4567',
      openingHours: { mon: [['08:00', '20:00']], tue: [['08:00', '20:00']], wed: [['08:00', '20:00']], thu: [['08:00', '20:00']], fri: [['08:00', '22:00']], sat: [['09:00', '22:00']] },
    });
    world.storeId = store.id;
    world.channelId = (await asOwner<{ id: string }>('POST', '/api/channels', { name: 'Xiaohongshu', kind: 'social' })).id;
    const offer = await asOwner<{ id: string }>('POST', '/api/offers', {
      name: 'Spring croissant treat',
      description: 'Twenty yuan off any order at People’s Square.',
      kind: 'amount_off',
      amountOffCents: 2000,
      minSpendCents: 5000,
      validDays: 30,
      totalQuantity: 200,
      storeIds: [store.id],
    });
    world.offerId = offer.id;
    await asOwner('POST', `/api/offers/${offer.id}/state`, { state: 'live' });
    const link = await asOwner<{ id: string }>('POST', '/api/links', {
      channelId: world.channelId,
      destination: `/m/${world.merchantId}/o/${offer.id}`,
      slug: 'spring',
    });
    world.linkId = link.id;
    await asOwner('POST', '/api/staff', { email: clerk.email, name: clerk.name, role: 'clerk', password: clerk.password, storeIds: [store.id] });
  });

  it('a customer opens the short link on a phone and lands on the offer page, in Chinese', async () => {
    const customer = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: PHONE, isMobile: true, hasTouch: true, userAgent: PHONE_UA });
    const page = await customer.newPage();
    watch(page);
    await page.goto(`${server.url}/l/spring`);
    await page.waitForURL((url) => url.pathname === `/m/${world.merchantId}/o/${world.offerId}`);
    await page.getByRole('heading', { level: 1, name: 'Spring croissant treat' }).waitFor();
    // The visitor id came along in the address, and was taken off it (a shared address must not carry it).
    expect(new URL(page.url()).searchParams.has('vid')).toBe(false);
    expect(await page.evaluate(() => localStorage.getItem('reservoir.vid'))).toMatch(/^vis_/);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect(page.locator('.c-value').textContent()).resolves.toBe('立减 ¥20');
    await page.getByText('消费满 ¥50 可用').waitFor();
    await page.getByText('领取后 30 天内有效').waitFor();
    await page.getByRole('link', { name: 'People’s Square' }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'customer-offer-phone', PHONE);
    await screenshot(page, 'customer-offer-desktop', DESKTOP);

    // The click is counted (in a batch) before the claim, so the claim can be credited to it.
    await expect.poll(async () => (await asOwner<{ clicks: number }>('GET', `/api/links/${world.linkId}/stats`)).clicks, { timeout: 15_000 }).toBe(1);

    await page.getByLabel('手机号').fill(customerPhone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('验证码已发送至').waitFor();
    await page.getByLabel('6 位验证码').fill(await codeSentTo('5678'));
    await screenshot(page, 'customer-code-phone', PHONE);
    await page.getByRole('button', { name: '领取', exact: true }).click();

    await page.getByRole('heading', { name: '你的优惠券' }).waitFor();
    const code = ((await page.locator('.c-code').first().textContent()) ?? '').trim();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=]{4}$/);
    world.couponCode = code;
    // Valid through the 30th day after today (the end it shows is the last whole day, not the exclusive instant).
    const lastDay = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + 30 * 86_400_000));
    await page.getByText(`${lastDay} 前有效`).waitFor();
    const qr = page.getByRole('img', { name: '优惠券二维码' });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await screenshot(page, 'customer-coupon-phone', PHONE);

    // "Add to my coupons" keeps the verified phone: My coupons opens without another code.
    await page.getByRole('button', { name: '放入我的券' }).click();
    await page.getByRole('link', { name: '打开我的券' }).click();
    await page.waitForURL((url) => url.pathname === `/m/${world.merchantId}/coupons`);
    await page.getByText('+86138****5678 的优惠券').waitFor();
    const live = page.getByRole('region', { name: /可使用/ });
    await live.locator('.c-code', { hasText: code }).waitFor();
    await screenshot(page, 'customer-coupons-phone', PHONE);

    // The store page: address, hours and the offer.
    await page.goto(`${server.url}/m/${world.merchantId}/s/${world.storeId}`);
    await page.getByRole('heading', { level: 1, name: 'People’s Square' }).waitFor();
    await page.getByText('1 People’s Avenue, Huangpu, Shanghai').waitFor();
    await page.getByRole('row', { name: /周五\s*08:00–22:00/ }).waitFor();
    await page.getByRole('row', { name: /周日\s*休息/ }).waitFor();
    await page.getByRole('link', { name: /Spring croissant treat/ }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'customer-store-phone', PHONE);

    // Language switch on the customer pages, remembered.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Opening hours' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await page.getByRole('heading', { name: 'Offers at this store' }).waitFor();
    await screenshot(page, 'customer-store-desktop', DESKTOP);
    await customer.close();

    // The claim was credited to the link the customer came through.
    const coupons = await asOwner<{ data: { attribution: { linkId: string | null; channelId: string | null } }[] }>('GET', `/api/offers/${world.offerId}/coupons`);
    expect(coupons.data.map((c) => c.attribution)).toEqual([expect.objectContaining({ linkId: world.linkId, channelId: world.channelId })]);
  });

  it('a clerk signs in on a 360 px phone, redeems the coupon at the counter and records the sale', async () => {
    const phone = { width: 360, height: 740 };
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai', viewport: phone, isMobile: true, hasTouch: true, userAgent: PHONE_UA });
    const page = await context.newPage();
    watch(page);
    await page.goto(`${server.url}/signin`);
    await page.fill('input[name=email]', clerk.email);
    await page.fill('input[name=password]', clerk.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto(`${server.url}/counter`);

    // One store: nothing to pick.
    await page.getByText('People’s Square').waitFor();
    // Typed loosely: lower case, spaces instead of dashes.
    await page.getByLabel('Coupon code').fill(world.couponCode!.toLowerCase().replaceAll('-', ' '));
    await screenshot(page, 'counter-typed-360', phone);
    await page.getByRole('button', { name: 'Check code' }).click();

    await page.getByRole('heading', { name: 'Spring croissant treat' }).waitFor();
    await expect(page.locator('.counter-terms').textContent()).resolves.toBe('¥20 off');
    await page.getByText('+86138****5678').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(phone.width);
    await screenshot(page, 'counter-found-360', phone);

    await page.getByRole('button', { name: 'Use this coupon' }).click();
    await page.getByText('Done — give the customer: ¥20 off').waitFor();
    await page.getByRole('button', { name: /^Undo \(\d+:\d\d left\)$/ }).waitFor();

    await page.getByLabel('Amount paid').fill('68');
    await page.getByLabel('WeChat Pay').check();
    await screenshot(page, 'counter-order-360', phone);
    await page.getByRole('button', { name: 'Record sale' }).click();
    await page.getByText('Sale of ¥68 recorded (WeChat Pay).').waitFor();
    // The coupon now belongs to the sale: undoing it is a refund of the order, not a counter undo.
    expect(await page.getByRole('button', { name: /^Undo/ }).count()).toBe(0);
    await page.getByText('Used just now').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(phone.width);
    await screenshot(page, 'counter-redeemed-360', phone);
    await screenshot(page, 'counter-redeemed-desktop', DESKTOP);
    await context.close();

    const orders = await asOwner<{ data: { id: string; totalCents: number; discountCents: number; paymentMethod: string; storeId: string }[] }>('GET', '/api/orders');
    expect(orders.data).toEqual([expect.objectContaining({ totalCents: 6800, discountCents: 2000, paymentMethod: 'wechat_pay', storeId: world.storeId })]);
  });

  it('the owner sees one click, one claim, one visit, one order and the payment method', async () => {
    const stats = await asOwner<{ clicks: number; claims: number; visits: number; orders: number; revenueCents: number }>('GET', `/api/links/${world.linkId}/stats`);
    expect(stats).toMatchObject({ clicks: 1, claims: 1, visits: 1, orders: 1, revenueCents: 6800 });

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const period = `from=${today}&to=${today}`;
    // The answers are read from rollups a timer brings up to date (ANALYTICS_REFRESH_SECONDS).
    await expect
      .poll(async () => (await asOwner<{ totals: Record<string, number> }>('GET', `/api/analytics/funnel?${period}`)).totals, { timeout: 60_000, interval: 1000 })
      .toMatchObject({ visitors: 1, claimed: 1, visited: 1, purchased: 1 });
    const mix = await asOwner<{ rows: { paymentMethod: string; orders: number; netCents: number }[] }>('GET', `/api/analytics/payment-mix?${period}`);
    expect(mix.rows).toEqual([expect.objectContaining({ paymentMethod: 'wechat_pay', orders: 1, netCents: 6800 })]);

    // The overview page draws the same answers; its numbers are one click from each chart.
    await ownerPage.goto(`${server.url}/overview`);
    await ownerPage.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const funnelCard = ownerPage.getByRole('region', { name: 'From tap to repeat purchase' });
    await funnelCard.getByRole('button', { name: 'Numbers' }).click();
    for (const step of ['Visitors', 'Claimed', 'Visited', 'Purchased']) await funnelCard.getByRole('row', { name: new RegExp(`^${step} 1\\b`) }).waitFor();
    const paymentCard = ownerPage.getByRole('region', { name: 'Payment mix' });
    await paymentCard.getByRole('button', { name: 'Numbers' }).click();
    await paymentCard.getByRole('row', { name: /^WeChat Pay 1\b/ }).waitFor();
    await screenshot(ownerPage, 'overview-after-loop-desktop', DESKTOP);
  });

  it('ran without script errors or policy violations', () => {
    expect(problems).toEqual([]);
  });
});
