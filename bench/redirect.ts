import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../src/app.js';
import { api, freshDatabase, machine, progress, setUpMerchant, startServer, type DbKind } from './lib.js';
import { table, verdict, writeSection } from './report.js';

/**
 * /l/:slug with click capture against a no-op 302 in the same server process, driven by
 * autocannon in a separate process. Target: ≥ 0.7 of the no-op's throughput, p99 ≤ 2× its p99.
 */
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = 2;
// A phone browser: requests without a User-Agent are scripts, which the redirect does not count.
const USER_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

interface Load {
  rps: number;
  p99: number;
  requests: number;
  non3xx: number;
}

async function autocannon(url: string, seconds: number): Promise<Load> {
  const child = spawn(process.execPath, [join(projectRoot, 'node_modules/autocannon/autocannon.js'), '-c', String(CONNECTIONS), '-d', String(seconds), '-H', `user-agent=${USER_AGENT}`, '-j', url], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const result = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p99: number }; non2xx: number; '3xx'?: number; statusCodeStats?: Record<string, { count: number }> };
  const threeXx = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => code.startsWith('3')).reduce((n, [, v]) => n + v.count, 0);
  return { rps: result.requests.average, p99: result.latency.p99, requests: result.requests.total, non3xx: result.requests.total - threeXx };
}

export async function run(dbs: DbKind[]): Promise<void> {
  const rows: (string | number)[][] = [];
  let machineInfo: string | null = null;
  for (const kind of dbs) {
    const db = await freshDatabase(kind);
    // Read the server version while this database still exists (it is dropped after the run).
    if (db.url) machineInfo = await machine(db.url);
    const server = await startServer(db.env);
    try {
      const cookie = await setUpMerchant(server.url);
      const channel = await api<{ id: string }>(server.url, cookie, 'POST', '/api/channels', { name: 'Flyers', kind: 'offline_print' });
      const link = await api<{ id: string; slug: string }>(server.url, cookie, 'POST', '/api/links', { channelId: channel.id, destination: 'https://example.com/' });
      const noopUrl = `${server.url}/bench/noop-redirect`;
      const linkUrl = `${server.url}/l/${link.slug}`;
      progress(`${kind}: warming up`);
      await autocannon(noopUrl, 2);
      const warmUp = await autocannon(linkUrl, 2);
      const noop: Load[] = [];
      const capture: Load[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        progress(`${kind}: round ${round}/${ROUNDS}: no-op redirect ${SECONDS}s`);
        noop.push(await autocannon(noopUrl, SECONDS));
        progress(`${kind}: round ${round}/${ROUNDS}: /l/:slug with click capture ${SECONDS}s`);
        capture.push(await autocannon(linkUrl, SECONDS));
      }
      // Let the last batch of clicks reach the database, then check none was lost.
      await new Promise((r) => setTimeout(r, 1500));
      const served = capture.reduce((n, l) => n + l.requests, warmUp.requests);
      const stored = (await api<{ clicks: number; scans: number }>(server.url, cookie, 'GET', `/api/links/${link.id}`)).clicks;
      const mean = (loads: Load[], key: 'rps' | 'p99') => loads.reduce((n, l) => n + l[key], 0) / loads.length;
      const ratio = mean(capture, 'rps') / mean(noop, 'rps');
      const p99Ratio = mean(capture, 'p99') / Math.max(mean(noop, 'p99'), 1);
      rows.push([
        kind === 'pglite' ? 'PGlite' : 'PostgreSQL',
        Math.round(mean(noop, 'rps')),
        Math.round(mean(capture, 'rps')),
        ratio.toFixed(2),
        `${mean(noop, 'p99').toFixed(1)} / ${mean(capture, 'p99').toFixed(1)}`,
        p99Ratio.toFixed(2),
        `${stored} / ${served}`,
        verdict(ratio >= 0.7 && p99Ratio <= 2),
      ]);
    } finally {
      await server.stop();
      await db.drop();
    }
  }
  writeSection(
    'redirect',
    `## Link redirect with click capture

Run ${new Date().toISOString().slice(0, 10)} on ${machineInfo ?? (await machine(null))}.
autocannon in a separate process, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s each after a warm-up,
against \`/bench/noop-redirect\` (a bare 302 in the same server) and \`/l/:slug\` (link lookup, visitor cookie, bot check, click buffered and flushed in batches).
Target: throughput ratio ≥ 0.7 and p99 ≤ 2× the no-op's.

${table(['database', 'no-op req/s', 'redirect req/s', 'ratio', 'p99 ms (no-op / redirect)', 'p99 ratio', 'clicks stored / redirects served', 'verdict'], rows)}
`,
  );
}
