import { request as http, type APIRequestContext, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launchBrowser, PHONE, screenshot, scrollWidth, startServer, type RunningServer } from './helpers.js';

/*
 * The customer pages beyond the first claim: a second offer claimed with the phone kept on the
 * device (no second code), My coupons sorted into ready / used, My coupons on a new phone
 * after a code, and the pages for an offer that is gone or does not exist — in English, at
 * 360 px.
 */

const NARROW = { width: 360, height: 740 } as const;
const PHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('customer pages on a phone, in English', () => {
  let server: RunningServer;
  let owner: APIRequestContext;
  let browser: Browser;
  let merchantId = '';
  const offers = { coffee: '', cake: '', gone: '' };
  let store = '';
  const problems: string[] = [];

  const ok = async <T,>(response: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> => {
    expect(response.status(), await response.text()).toBeLessThan(300);
    return (await response.json()) as T;
  };
  const offer = async (data: object, live = true) => {
    const { id } = await ok<{ id: string }>(await owner.post('/api/offers', { data: { validDays: 14, ...data } }));
    if (live) await ok(await owner.post(`/api/offers/${id}/state`, { data: { state: 'live' } }));
    return id;
  };
  const codeSentTo = async (lastDigits: string) => {
    const { data } = await ok<{ data: { to: string; text: string }[] }>(await owner.get('/api/dev/messages'));
    return /\d{6}/.exec(data.find((m) => m.to.endsWith(lastDigits))!.text)![0];
  };
  const newPhone = async (): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Asia/Shanghai', viewport: NARROW, isMobile: true, hasTouch: true, userAgent: PHONE_UA });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // 401 (a wrong one-time code), 404 and 400 (an offer that is not there, or an address that cannot name one) are answered in words.
      if (message.type() === 'error' && !/status of (400|401|404)/.test(message.text())) problems.push(message.text());
    });
    return page;
  };

  beforeAll(async () => {
    server = await startServer();
    owner = await http.newContext({ baseURL: server.url });
    await ok(await owner.post('/api/setup', { data: { merchantName: 'Corner Bakery', ownerName: 'Sam', ownerEmail: 'sam@example.com', ownerPassword: 'correct horse battery', timezone: 'Asia/Shanghai' } }));
    merchantId = (await ok<{ merchant: { id: string } }>(await owner.get('/api/auth/me'))).merchant.id;
    store = (await ok<{ id: string }>(await owner.post('/api/stores', { data: { name: 'Harbour Street', address: '12 Harbour Street' } }))).id;
    offers.coffee = await offer({ name: 'Free coffee', kind: 'free_item', freeItem: 'A flat white', itemValueCents: 2800 });
    offers.cake = await offer({ name: 'Cake Friday', kind: 'percent_off', percentOff: 15, maxDiscountCents: 3000, validDays: null, validFrom: '2026-01-01', validUntil: '2030-12-31' });
    offers.gone = await offer({ name: 'Sold out already', kind: 'amount_off', amountOffCents: 500, totalQuantity: 0 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await owner?.dispose();
    await server?.close();
  });

  it('claims one offer with a code, and a second one with the phone kept on the device', async () => {
    const page = await newPhone();
    await page.goto(`${server.url}/m/${merchantId}/o/${offers.coffee}`);
    await page.getByRole('heading', { level: 1, name: 'Free coffee' }).waitFor();
    await expect(page.locator('.c-value').textContent()).resolves.toBe('Free: A flat white');
    await page.getByRole('link', { name: 'Harbour Street' }).waitFor(); // valid everywhere: every store is listed
    await page.getByLabel('Mobile number').fill('139 0000 2222');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByText('We sent a code to +86139****2222.').waitFor();
    await page.getByLabel('6-digit code').fill(await codeSentTo('2222'));
    await page.getByRole('button', { name: 'Get my coupon' }).click();
    await page.getByRole('heading', { name: 'Your coupon' }).waitFor();
    await page.getByRole('button', { name: 'Add to my coupons' }).click();
    await page.getByRole('status').getByText('Saved on this phone').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(NARROW.width);

    await page.goto(`${server.url}/m/${merchantId}/o/${offers.cake}`);
    await expect(page.locator('.c-value').textContent()).resolves.toBe('15% off');
    await page.getByText('up to ¥30').waitFor();
    await page.getByText('Valid 1 Jan 2026 – 31 Dec 2030', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Get it with +86139****2222' }).click();
    await page.getByRole('heading', { name: 'Your coupon' }).waitFor();
    await page.getByRole('link', { name: 'Open my coupons' }).waitFor(); // already kept: no second step
    await screenshot(page, 'customer-second-claim-360', NARROW);

    // The coffee is used at the till; My coupons sorts it under Used.
    const coffee = (await ok<{ data: { code: string }[] }>(await owner.get(`/api/offers/${offers.coffee}/coupons`))).data[0]!.code;
    await ok(await owner.post('/api/redemptions', { data: { code: coffee, storeId: store, requestId: 'test-redeem-coffee' } }));
    await page.getByRole('link', { name: 'Open my coupons' }).click();
    await page.getByRole('region', { name: /Ready to use/ }).getByText('Cake Friday', { exact: true }).waitFor();
    await page.getByRole('region', { name: /^Used/ }).getByText('Free coffee', { exact: true }).waitFor();
    expect(await page.getByRole('region', { name: /^Used/ }).getByRole('img').count()).toBe(0); // no QR for a used coupon
    expect(await scrollWidth(page)).toBeLessThanOrEqual(NARROW.width);
    await screenshot(page, 'customer-my-coupons-360', NARROW);
    await screenshot(page, 'customer-my-coupons-desktop', DESKTOP);
    await page.context().close();
  });

  it('opens My coupons on a new phone after a code, then claims with the phone kept', async () => {
    const page = await newPhone();
    await page.goto(`${server.url}/m/${merchantId}/coupons`);
    await page.getByRole('heading', { level: 1, name: 'My coupons' }).waitFor();
    await page.getByLabel('Mobile number').fill('137 0000 3333');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByText('We sent a code to +86137****3333.').waitFor();
    await page.getByLabel('6-digit code').fill('000000');
    await page.getByRole('button', { name: 'Show my coupons' }).click();
    await page.getByRole('alert').getByText('The code is not right. Check it and try again.').waitFor();
    await page.getByLabel('6-digit code').fill(await codeSentTo('3333'));
    await page.getByRole('button', { name: 'Show my coupons' }).click();
    await page.getByText('Coupons of +86137****3333').waitFor();
    await page.getByText('You have no coupons here yet.').waitFor();

    // Verified once: the offer page claims without another code.
    await page.goto(`${server.url}/m/${merchantId}/o/${offers.coffee}`);
    await page.getByRole('button', { name: 'Get it with +86137****3333' }).click();
    await page.getByRole('link', { name: 'Open my coupons' }).click();
    await page.getByRole('region', { name: /Ready to use/ }).getByText('Free coffee', { exact: true }).waitFor();

    // Forgetting the phone asks for a code again, even after a reload.
    await page.getByRole('button', { name: 'Forget this phone on this device' }).click();
    await page.reload();
    await page.getByLabel('Mobile number').waitFor();
    await page.context().close();
  });

  it('says plainly when an offer is gone, or was never there', async () => {
    const page = await newPhone();
    await page.goto(`${server.url}/m/${merchantId}/o/${offers.gone}`);
    await page.getByText('This offer is not available any more.').waitFor();
    expect(await page.getByLabel('Mobile number').count()).toBe(0);
    await screenshot(page, 'customer-offer-gone-360', NARROW);

    const draft = await offer({ name: 'Not published yet', kind: 'amount_off', amountOffCents: 100 }, false);
    for (const path of [`/m/${merchantId}/o/${draft}`, `/m/${merchantId}/o/off_01J00000000000000000000000`, `/m/${merchantId}/o/nonsense`]) {
      await page.goto(`${server.url}${path}`);
      await page.getByText('This offer does not exist, or it is not public yet.').waitFor();
    }
    await page.goto(`${server.url}/m/${merchantId}/somewhere`);
    await page.getByText('There is no page at this address.').waitFor();
    await page.context().close();
  });

  it('uses the browser’s language when nothing was chosen', async () => {
    const context = await browser.newContext({ locale: 'zh-TW', viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${server.url}/m/${merchantId}/o/${offers.cake}`);
    await page.getByText('优惠 15%').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await context.close();
  });

  it('ran without script errors or policy violations', () => {
    expect(problems).toEqual([]);
  });
});
