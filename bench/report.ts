import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/app.js';

/**
 * docs/benchmarks.md keeps one section per benchmark between markers, so running one benchmark
 * rewrites its own section and leaves the others as they were measured.
 */
const file = join(projectRoot, 'docs/benchmarks.md');
const header = `# Benchmarks

Written by \`npm run bench\` (see bench/). Each target is measured as a ratio against a baseline
taken in the same run on the same machine, never as an absolute time in a test. Re-run one with
\`npm run bench -- --only NAME\` and choose databases with \`--db pglite,postgres\`
(PostgreSQL needs \`BENCH_DATABASE_URL\` or \`DATABASE_URL\`, a role with CREATEDB).
`;

export function writeSection(name: string, markdown: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}

export function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function verdict(ok: boolean): string {
  return ok ? '✅ meets target' : '❌ below target';
}
