import { defineConfig } from 'vitest/config';

/*
 * Browser tests: the real server in-process and the built web pages in headless Chromium.
 * They need web/dist, so build first: `npm run test:browser` runs `npm run build` and then
 * this config. Chromium comes from the system (`apt-get install chromium`, or set
 * CHROMIUM_PATH); Playwright never downloads a browser here.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
