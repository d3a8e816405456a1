import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newMerchant, type TestApp } from './helpers.js';

describe('HTTP basics', () => {
  let t: TestApp;
  const logLines: string[] = [];
  beforeAll(async () => {
    t = await createTestApp({ logging: { level: 'trace', stream: { write: (line: string) => void logLines.push(line) } } });
  });
  afterAll(async () => t.close());

  it('answers /healthz and /readyz', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', database: t.database.url ? 'postgres' : 'pglite' });
  });

  it('gives every response a request id, keeping a sane incoming one', async () => {
    const generated = await t.app.inject({ url: '/healthz' });
    expect(generated.headers['x-request-id']).toMatch(/^req_[0-9A-Z]{26}$/);
    const kept = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'till-7.abc' } });
    expect(kept.headers['x-request-id']).toBe('till-7.abc');
    const replaced = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces <script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^req_/);
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ url: '/api/setup' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the OpenAPI document and a browsable reference at /docs', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/setup', '/api/auth/sign-in', '/api/stores', '/api/stores/{storeId}', '/api/staff', '/api/keys', '/api/merchant']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const page = await t.app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('serves the error catalogue every docUrl points to', async () => {
    const res = await t.app.inject({ url: '/errors' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="invalid_credentials"');
  });

  it('never logs a password, a key, a session token or a cookie', async () => {
    const owner = await newMerchant(t);
    await t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: owner.email, password: 'wrong password 123' } });
    const key = (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload: { kind: 'secret', name: 'k' } })).json().token as string;
    await t.app.inject({ url: '/api/stores', headers: { authorization: `Bearer ${key}` } });
    await t.app.inject({ method: 'POST', url: '/api/stores', headers: { cookie: owner.cookie }, payload: { name: 'x', phone: '+8613812345678', bogus: 1 } });
    const log = logLines.join('');
    expect(log).toContain('incoming request');
    for (const secret of ['correct horse battery', 'wrong password 123', key, key.slice(30), owner.cookie.split('=')[1]!, '13812345678']) {
      expect(log).not.toContain(secret);
    }
  });
});
