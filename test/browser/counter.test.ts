import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, request as http, type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCode, generateCode } from '../../src/offers/codes.js';
import { DESKTOP, screenshot, scrollWidth, startServer, type RunningServer } from './helpers.js';

/*
 * The counter on a clerk's 360 px phone, in Chinese: the store chosen once, a typo caught by
 * the check symbol before anything is asked, a well-formed wrong code answered like every other
 * wrong code, a coupon of another store refused with its reason, and a coupon scanned with the
 * camera (Chromium's fake camera plays a video of the coupon's QR code), confirmed and undone.
 */

const NARROW = { width: 360, height: 740 } as const;
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const clerk = { email: 'clerk@example.com', password: 'clerk password 1' };

/** A short Y4M video (what Chromium's fake camera plays) showing `text` as a QR code. */
async function qrVideo(text: string): Promise<string> {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const [width, height, scale, quiet] = [640, 480, 10, 4];
  const side = (qr.modules.size + 2 * quiet) * scale;
  const [left, top] = [(width - side) / 2, (height - side) / 2];
  const luma = Buffer.alloc(width * height, 255);
  for (let y = 0; y < qr.modules.size; y++)
    for (let x = 0; x < qr.modules.size; x++)
      if (qr.modules.get(y, x))
        for (let dy = 0; dy < scale; dy++) luma.fill(0, (top + (quiet + y) * scale + dy) * width + left + (quiet + x) * scale, (top + (quiet + y) * scale + dy) * width + left + (quiet + x + 1) * scale);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const file = join(tmpdir(), `reservoir-qr-${process.pid}.y4m`);
  await writeFile(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: 10 }, () => frame)]));
  return file;
}

describe('the counter on a 360 px phone', () => {
  let server: RunningServer;
  let api: APIRequestContext;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const lookups: number[] = [];
  const ids = { jingan: '', xuhui: '', offer: '', code: '' };

  const ok = async <T,>(response: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> => {
    expect(response.status(), await response.text()).toBeLessThan(300);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    server = await startServer();
    api = await http.newContext({ baseURL: server.url });
    await ok(await api.post('/api/setup', { data: { merchantName: '街角面包店', ownerName: '王小明', ownerEmail: 'owner@example.com', ownerPassword: 'correct horse battery', timezone: 'Asia/Shanghai' } }));
    ids.jingan = (await ok<{ id: string }>(await api.post('/api/stores', { data: { name: '静安店' } }))).id;
    ids.xuhui = (await ok<{ id: string }>(await api.post('/api/stores', { data: { name: '徐汇店' } }))).id;
    await ok(await api.post('/api/staff', { data: { ...clerk, name: '李雷', role: 'clerk', storeIds: [ids.jingan, ids.xuhui] } }));
    const offer = await ok<{ id: string }>(
      await api.post('/api/offers', { data: { name: '可颂第二个免费', kind: 'free_item', freeItem: '可颂一个', itemValueCents: 1800, validDays: 7, storeIds: [ids.jingan] } }),
    );
    ids.offer = offer.id;
    await ok(await api.post(`/api/offers/${offer.id}/state`, { data: { state: 'live' } }));

    // A customer claims a coupon through the public API, with the code the dev provider shows.
    const me = await ok<{ merchant: { id: string } }>(await api.get('/api/auth/me'));
    const base = `/api/public/m/${me.merchant.id}/offers/${offer.id}`;
    await ok(await api.post(`${base}/otp`, { data: { phone: '13900001111' } }));
    const messages = await ok<{ data: { text: string }[] }>(await api.get('/api/dev/messages'));
    const otp = /\d{6}/.exec(messages.data[0]!.text)![0];
    const customer = await http.newContext({ baseURL: server.url });
    ids.code = (await ok<{ coupon: { code: string } }>(await customer.post(`${base}/claim`, { data: { phone: '13900001111', code: otp } }))).coupon.code;
    await customer.dispose();

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${await qrVideo(ids.code)}`,
      ],
    });
    context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: NARROW, isMobile: true, hasTouch: true, userAgent: PHONE_UA });
    await context.grantPermissions(['camera'], { origin: server.url });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // 401 (not signed in yet) and 404 (the wrong code) are answers the page shows in words.
      if (message.type() === 'error' && !/status of (401|404)/.test(message.text())) problems.push(message.text());
    });
    page.on('request', (request) => {
      if (request.url().endsWith('/api/redemptions/lookup')) lookups.push(Date.now());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.dispose();
    await server?.close();
  });

  const codeInput = () => page.getByRole('textbox', { name: '券码' });

  it('asks which store once, and the phone remembers it', async () => {
    await page.goto(`${server.url}/signin`);
    await page.fill('input[name=email]', clerk.email);
    await page.fill('input[name=password]', clerk.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto(`${server.url}/counter`);

    await page.getByText('你在哪家门店？').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(NARROW.width);
    await screenshot(page, 'counter-stores-360', NARROW);
    await page.getByRole('button', { name: '徐汇店' }).click();
    await codeInput().waitFor();

    await page.reload();
    await codeInput().waitFor();
    await expect(page.locator('.counter-store strong').textContent()).resolves.toBe('徐汇店');
  });

  it('catches a typo with the check symbol, before asking the server', async () => {
    const symbols = ids.code.replaceAll('-', '');
    // Two different neighbours swapped inside the payload: the check symbol catches every such
    // swap (an earlier typo here, a symbol changed and moved, slipped through for about one code in 37).
    const at = [...symbols].findIndex((symbol, k) => k < 10 && symbol !== symbols[k + 1]);
    const typo = symbols.slice(0, at) + symbols[at + 1] + symbols[at] + symbols.slice(at + 2);
    const wrong = symbols.slice(0, 5) + (symbols[5] === 'A' ? 'B' : 'A') + symbols.slice(6);
    const before = lookups.length;

    await codeInput().fill(wrong);
    await page.getByText('券码有误').first().waitFor(); // said while typing
    await page.getByRole('button', { name: '查询券码' }).click();
    await page.getByRole('alert').getByText('券码有误：有一位不对或两位顺序颠倒，请对照优惠券检查。').waitFor();
    await codeInput().fill(typo);
    await page.getByRole('button', { name: '查询券码' }).click();
    await page.getByRole('alert').getByText(/券码有误/).waitFor();
    expect(lookups.length).toBe(before);

    await codeInput().fill('K7QM-3X');
    await page.getByText('已输入 6 / 12 位').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(NARROW.width);
    await screenshot(page, 'counter-typo-360', NARROW);
  });

  it('answers a well-formed code that does not exist like any wrong code', async () => {
    const before = lookups.length;
    await codeInput().fill(formatCode(generateCode()));
    await page.getByRole('button', { name: '查询券码' }).click();
    await page.getByRole('alert').getByText('没有这个券码的优惠券，请和顾客核对。').waitFor();
    expect(lookups.length).toBe(before + 1);
  });

  it('refuses a coupon of another store, saying why', async () => {
    await codeInput().fill(ids.code.toLowerCase());
    await page.getByRole('button', { name: '查询券码' }).click();
    await page.getByRole('heading', { name: '可颂第二个免费' }).waitFor();
    await page.getByRole('alert').getByText('这张券不能在本店使用。').waitFor();
    expect(await page.getByRole('button', { name: '确认核销' }).count()).toBe(0);
    await screenshot(page, 'counter-other-store-360', NARROW);
    await page.getByRole('button', { name: '下一位顾客' }).click();
  });

  it('scans the QR code with the camera, confirms, and undoes within the window', async () => {
    await page.getByRole('button', { name: '切换门店' }).click();
    await page.getByRole('button', { name: '静安店' }).click();
    await page.getByRole('button', { name: '扫描二维码' }).click();

    // The fake camera shows the coupon's QR code; jsQR (no BarcodeDetector on desktop Linux) reads it.
    await page.getByRole('heading', { name: '可颂第二个免费' }).waitFor({ timeout: 30_000 });
    await expect(page.locator('.counter-terms').textContent()).resolves.toBe('免费：可颂一个');
    await page.getByText('+86139****1111').waitFor();
    await page.getByRole('button', { name: '确认核销' }).click();
    await page.getByText('核销成功——请给顾客：免费：可颂一个').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(NARROW.width);
    await screenshot(page, 'counter-scanned-redeemed-360', NARROW);
    expect((await ok<{ redeemed: number }>(await api.get(`/api/offers/${ids.offer}`))).redeemed).toBe(1);

    await page.getByRole('button', { name: /^撤销（剩余 \d+:\d\d）$/ }).click();
    await page.getByText('已撤销，这张券可以再次使用。').waitFor();
    expect((await ok<{ redeemed: number }>(await api.get(`/api/offers/${ids.offer}`))).redeemed).toBe(0);
    await screenshot(page, 'counter-undone-360', NARROW);
    await screenshot(page, 'counter-undone-desktop', DESKTOP);
  });

  it('ran without script errors or policy violations', () => {
    expect(problems).toEqual([]);
  });
});
