import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/app.js';
import { errorCatalogue } from '../src/platform/errors.js';

describe('docs/errors.md', () => {
  const doc = readFileSync(join(projectRoot, 'docs/errors.md'), 'utf8');
  const documented = new Map(
    [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])] as const),
  );

  it('documents every code the server can answer with, with its HTTP status', () => {
    for (const [code, { status }] of Object.entries(errorCatalogue)) {
      expect(documented.get(code), code).toBe(status);
    }
  });

  it('documents no code the server does not have', () => {
    expect([...documented.keys()].filter((code) => !(code in errorCatalogue))).toEqual([]);
  });
});
