import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launchBrowser, PHONE, screenshot, scrollWidth, startServer, type RunningServer } from './helpers.js';

const owner = {
  merchant: '街角面包店',
  name: '王小明',
  email: 'owner@example.com',
  password: 'correct horse battery',
};

const textOf = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();

describe('first run, in a Chinese browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const at = (path: string) => page.waitForURL((url) => url.pathname === path);
  const heading = (name: string) => page.getByRole('heading', { level: 1, name });

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: DESKTOP });
    page = await context.newPage();
    // Script errors and Content-Security-Policy violations both land here.
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens on set-up, from / and from /signin', async () => {
    await page.goto(`${server.url}/`);
    await at('/setup');
    await heading('设置 Reservoir').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

    await page.goto(`${server.url}/signin`);
    await at('/setup');
    await heading('设置 Reservoir').waitFor();
    expect(await page.locator('select[name=timezone]').inputValue()).toBe('Asia/Shanghai');
    await expect(textOf(page.locator('form'))).resolves.toContain('至少 10 个字符');

    await screenshot(page, 'setup-desktop', DESKTOP);
    await screenshot(page, 'setup-phone', PHONE);
  });

  it('sets up the business and signs the owner in', async () => {
    await page.fill('input[name=merchantName]', owner.merchant);
    await page.fill('input[name=ownerName]', owner.name);
    await page.fill('input[name=ownerEmail]', owner.email);
    await page.fill('input[name=ownerPassword]', owner.password);
    await page.getByRole('button', { name: '创建我的商家' }).click();

    await at('/');
    await heading('开始使用').waitFor();
    expect(await textOf(page.locator('header .merchant-name'))).toBe(owner.merchant);
    expect(await textOf(page.locator('header .who'))).toContain(owner.name);
    expect(await textOf(page.locator('header .who'))).toContain('所有者');
    expect(await page.getByRole('link', { name: 'API 参考文档' }).getAttribute('href')).toBe('/docs');
  });

  it('adds the first store from the empty state', async () => {
    const stores = page.getByRole('region', { name: '你的门店' });
    await stores.getByText('还没有门店').waitFor();
    await screenshot(page, 'home-empty-desktop', DESKTOP);

    await stores.locator('input[name=name]').fill('人民广场店');
    await stores.locator('input[name=address]').fill('上海市黄浦区人民大道 1 号');
    await stores.getByRole('button', { name: '添加门店' }).click();

    await stores.getByText('已添加门店“人民广场店”。').waitFor();
    expect(await stores.locator('.store-list li').allTextContents()).toEqual(['人民广场店上海市黄浦区人民大道 1 号']);
    expect(await stores.getByText('还没有门店').count()).toBe(0);

    // Still there after a reload: it was saved, not just drawn.
    await page.reload();
    await stores.locator('.store-list li').first().waitFor();
    expect(await stores.locator('.store-name').allTextContents()).toEqual(['人民广场店']);
    await screenshot(page, 'home-desktop', DESKTOP);
    await screenshot(page, 'home-phone', PHONE);
  });

  it('switches language, and remembers the choice', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await heading('Getting started').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await textOf(page.locator('header .who'))).toContain('Owner');

    await page.reload();
    await heading('Getting started').waitFor();
    await page.getByRole('region', { name: 'Your stores' }).locator('.store-list li').first().waitFor();
    await screenshot(page, 'home-en-desktop', DESKTOP);

    await page.getByRole('button', { name: '中文' }).click();
    await heading('开始使用').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('changes the password, explaining what went wrong in words', async () => {
    const panel = page.getByRole('region', { name: '修改密码' });
    const submit = panel.getByRole('button', { name: '修改密码' });

    await panel.locator('input[name=currentPassword]').fill('not my password');
    await panel.locator('input[name=newPassword]').fill('a new password 1');
    await panel.locator('input[name=confirm]').fill('a new password 2');
    await submit.click();
    await panel.getByRole('alert').getByText('两次输入的新密码不一致。').waitFor();

    await panel.locator('input[name=confirm]').fill('a new password 1');
    await submit.click();
    await panel.getByRole('alert').getByText('当前密码不正确。').waitFor();

    await panel.locator('input[name=currentPassword]').fill(owner.password);
    await submit.click();
    await panel.getByRole('status').getByText('密码已修改').waitFor();
    owner.password = 'a new password 1';
  });

  it('signs out to the sign-in page', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await at('/signin');
    await page.getByText('你已退出登录。').waitFor();

    // Signed out means signed out: the start page sends you back.
    await page.goto(`${server.url}/`);
    await at('/signin');
  });

  it('says in words that the password is wrong', async () => {
    await heading('登录').waitFor();
    await screenshot(page, 'signin-desktop', DESKTOP);
    await screenshot(page, 'signin-phone', PHONE);

    await page.fill('input[name=email]', owner.email);
    await page.fill('input[name=password]', 'correct horse battery'); // the old one
    await page.getByRole('button', { name: '登录', exact: true }).click();
    expect(await textOf(page.getByRole('alert'))).toBe('邮箱或密码不正确。');
    await screenshot(page, 'signin-error-phone', PHONE);
  });

  it('signs in again', async () => {
    await page.fill('input[name=password]', owner.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await at('/');
    await heading('开始使用').waitFor();
    expect(await textOf(page.locator('header .merchant-name'))).toBe(owner.merchant);
  });

  it('fits a 360 px wide phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await heading('开始使用').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'home-360', { width: 360, height: 740 });

    const phone = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 } });
    try {
      const signIn = await phone.newPage();
      await signIn.goto(`${server.url}/signin`);
      await signIn.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor(); // an English browser gets English
      expect(await scrollWidth(signIn)).toBeLessThanOrEqual(360);
    } finally {
      await phone.close();
    }
    await page.setViewportSize(DESKTOP);
  });

  it('answers an unknown address with a page that leads home', async () => {
    await page.goto(`${server.url}/no-such-page`);
    await heading('页面不存在').waitFor();
    await page.getByRole('link', { name: '返回首页' }).click();
    await at('/');
    await heading('开始使用').waitFor();
  });

  it('ran without script errors or policy violations', () => {
    expect(problems).toEqual([]);
  });
});
