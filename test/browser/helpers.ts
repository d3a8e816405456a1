import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp, projectRoot } from '../../src/app.js';
import { createTestDatabase, testConfig } from '../helpers.js';

export interface RunningServer {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  close(): Promise<void>;
}

/** The real server on a free port, over a fresh empty database. */
export async function startServer(): Promise<RunningServer> {
  if (!existsSync(join(projectRoot, 'web', 'dist', 'index.html'))) {
    throw new Error('web/dist is not built: run `npm run build` (or `npm run test:browser`, which does).');
  }
  const webRoot = await snapshotWeb();
  const database = await createTestDatabase();
  // The public URL must be the real one: short links redirect to pages on it.
  const port = await freePort();
  const { app } = await buildApp(testConfig({ PUBLIC_URL: `http://127.0.0.1:${port}` }), { database: database.handle, migrate: false, webRoot });
  const url = await app.listen({ port, host: '127.0.0.1' });
  return {
    url,
    close: async () => {
      await app.close();
      await database.drop();
      await rm(webRoot, { recursive: true, force: true });
    },
  };
}

/**
 * A private copy of web/dist for one server. The server makes routes for the files it finds at
 * start, and `npm run build` (by anyone sharing the tree) replaces them with new names: a page
 * opened after such a build asked for scripts the server did not know, and stayed blank (the
 * clerk's sign-in form that "did not appear within 30 s"). A copy cannot change under a test.
 * A copy taken while a build is writing is incomplete; it is taken again until every asset the
 * pages name is in it.
 */
async function snapshotWeb(): Promise<string> {
  const source = join(projectRoot, 'web', 'dist');
  for (let attempt = 0; ; attempt++) {
    const copy = await mkdtemp(join(tmpdir(), 'reservoir-web-'));
    await cp(source, copy, { recursive: true }).catch(() => undefined);
    if (await complete(copy)) return copy;
    await rm(copy, { recursive: true, force: true });
    if (attempt >= 60) throw new Error('web/dist stayed incomplete for a minute: is a build stuck?');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function complete(root: string): Promise<boolean> {
  for (const page of ['index.html', 'customer.html']) {
    const html = await readFile(join(root, page), 'utf8').catch(() => null);
    if (html === null) return false;
    for (const [, asset] of html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)) {
      if (!existsSync(join(root, asset!))) return false;
    }
  }
  // The chunks loaded on demand (dashboard, charts, counter) are named only inside the scripts.
  const assets = await readdir(join(root, 'assets')).catch(() => null);
  if (assets === null) return false;
  for (const script of assets.filter((name) => name.endsWith('.js'))) {
    const text = await readFile(join(root, 'assets', script), 'utf8');
    for (const [, chunk] of text.matchAll(/(?:\.\/|assets\/)([\w.-]+\.(?:js|css))/g)) {
      if (!existsSync(join(root, 'assets', chunk!))) return false;
    }
  }
  return true;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

const SCREENSHOTS = join(projectRoot, 'test-output', 'screenshots');

/** Saves what the page shows, at the given size, to test-output/screenshots/NAME.png (for people to look at). */
export async function screenshot(page: Page, name: string, viewport: { width: number; height: number }): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize();
  await page.setViewportSize(viewport);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  if (before) await page.setViewportSize(before);
}

/** How wide the page is laid out; wider than the window means a phone has to scroll sideways. */
export async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}
