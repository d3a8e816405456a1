import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/app.js';
import { ConfigError, loadConfig, variables } from '../src/platform/config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: 'localhost', databasePoolSize: 10, publicUrl: 'http://localhost:3000', trustProxy: false });
    expect(config.dataDir).toBe(join(process.cwd(), 'data'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_POOL_SIZE', '0'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', 'maybe'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['DATABASE_URL', 'mysql://root@localhost/db'],
    ['SESSION_TTL_HOURS', '1.5'],
  ])('stops on %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrowError(new RegExp(`^Invalid configuration:\\n  ${name}: `));
  });

  it('names every bad variable at once and never echoes a secret', () => {
    try {
      loadConfig({ PORT: '-1', DATABASE_URL: 'mysql://root:hunter2@db/x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.env)).toEqual(['PORT', 'DATABASE_URL']);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('start-up with an invalid value exits with a message naming it', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli.ts'), 'serve'], {
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PORT: must be a whole number');
  });

  it('the README documents every variable with its default', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    for (const v of Object.values(variables)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${v.env}\` |`));
      expect(row, v.env).toBeDefined();
      if (v.default) expect(row).toContain(`\`${v.default}\``);
    }
  });
});
