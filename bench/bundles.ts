import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../src/app.js';
import { progress } from './lib.js';
import { table, writeSection } from './report.js';

/**
 * What each page downloads before it can draw: the scripts and styles its HTML loads (entry,
 * preloaded chunks, CSS), raw and gzipped, from the build in web/dist (`npm run bench` builds
 * first). Chunks no page loads up front (dynamic imports) are listed as on demand.
 */
const dist = join(projectRoot, 'web', 'dist');
const PAGES = [
  { html: 'customer.html', name: 'Customer pages (`/m/…`)' },
  { html: 'index.html', name: 'Staff app, first load (sign-in; dashboard and counter follow on demand)' },
];
// Phones on slow networks are what the customer page is for; the budget is what it may cost.
const CUSTOMER_BUDGET_GZIP = 100 * 1024;

const sizeOf = (file: string) => {
  const bytes = readFileSync(join(dist, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** The assets an HTML page loads up front: module scripts, preloads and stylesheets. */
function assetsOf(html: string): string[] {
  const text = readFileSync(join(dist, html), 'utf8');
  return [...new Set([...text.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!))];
}

export async function run(): Promise<void> {
  statSync(join(dist, 'customer.html'));
  const upFront = new Set<string>();
  const rows: (string | number)[][] = [];
  const totals = new Map<string, number>();
  for (const page of PAGES) {
    const assets = assetsOf(page.html);
    let raw = 0;
    let gzip = 0;
    for (const asset of assets) {
      upFront.add(asset);
      const size = sizeOf(asset);
      raw += size.raw;
      gzip += size.gzip;
      rows.push([page.name, `\`${asset.replace(/-[\w-]{8}\./, '.')}\``, kb(size.raw), kb(size.gzip)]);
    }
    rows.push([`**${page.name}, in all**`, '', `**${kb(raw)}**`, `**${kb(gzip)}**`]);
    totals.set(page.html, gzip);
  }
  const onDemand = readdirSync(join(dist, 'assets'))
    .map((f) => `assets/${f}`)
    .filter((f) => !upFront.has(f) && /\.(js|css)$/.test(f));
  for (const asset of onDemand) {
    const size = sizeOf(asset);
    rows.push(['loaded on demand', `\`${asset.replace(/-[\w-]{8}\./, '.')}\``, kb(size.raw), kb(size.gzip)]);
  }
  const customer = totals.get('customer.html')!;
  const verdict = customer <= CUSTOMER_BUDGET_GZIP ? '✅ within budget' : '❌ over budget';
  writeSection(
    'bundles',
    `## Web bundle sizes

Measured ${new Date().toISOString().slice(0, 10)} from the production build (\`vite build\`), gzip level 9. What a first visit downloads
before the page can draw (HTML not counted); React is one chunk shared by both pages. The staff app then loads the
dashboard, the overview's charts and the counter as separate chunks when they are opened (jsQR only when a clerk first scans). Budget for the customer pages: ${kb(CUSTOMER_BUDGET_GZIP)} gzipped —
${kb(customer)}: ${verdict}. The customer bundle has no chart library, no i18next and no dashboard code.

${table(['page', 'file', 'raw', 'gzip'], rows)}`,
  );
  progress(`bundles: customer ${kb(customer)} gzip, dashboard ${kb(totals.get('index.html')!)} gzip`);
}
