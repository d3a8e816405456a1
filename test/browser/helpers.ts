import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
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
  const database = await createTestDatabase();
  // The public URL must be the real one: short links redirect to pages on it.
  const port = await freePort();
  const { app } = await buildApp(testConfig({ PUBLIC_URL: `http://127.0.0.1:${port}` }), { database: database.handle, migrate: false });
  const url = await app.listen({ port, host: '127.0.0.1' });
  return {
    url,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
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
