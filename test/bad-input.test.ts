import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newMerchant, newStaff, newStore, tableCounts, type SignedInOwner, type TestApp } from './helpers.js';

/** Every bad request gets its documented code and writes nothing. */
let t: TestApp;
let owner: SignedInOwner;
let clerkCookie: string;
let pkToken: string;
let revokedToken: string;
let storeId: string;

beforeAll(async () => {
  t = await createTestApp({ config: { BODY_LIMIT_BYTES: '4096' } });
  owner = await newMerchant(t);
  storeId = await newStore(t, owner);
  clerkCookie = (await newStaff(t, owner, 'clerk', [storeId])).cookie;
  pkToken = (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload: { kind: 'publishable', name: 'web' } })).json().token;
  const revoked = (await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload: { kind: 'secret', name: 'old' } })).json();
  await t.app.inject({ method: 'DELETE', url: `/api/keys/${revoked.key.id}`, headers: { cookie: owner.cookie } });
  revokedToken = revoked.token;
});
afterAll(async () => t.close());

interface Case {
  name: string;
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url?: string;
  headers?: () => Record<string, string>;
  body?: string | Buffer;
  status: number;
  code: string;
}

const asOwner = () => ({ cookie: owner.cookie, 'content-type': 'application/json' });

const cases: Case[] = [
  { name: 'malformed JSON', body: '{"name": "Shop', status: 400, code: 'malformed_json' },
  { name: 'an empty JSON body', body: '', status: 400, code: 'validation_failed' },
  { name: 'whitespace as a JSON body', body: '  ', status: 400, code: 'malformed_json' },
  { name: 'a JSON array instead of an object', body: '["Shop"]', status: 400, code: 'validation_failed' },
  { name: 'a number where a string belongs', body: '{"name": 42}', status: 400, code: 'validation_failed' },
  { name: 'null where a string belongs', body: '{"name": null}', status: 400, code: 'validation_failed' },
  { name: 'an unknown field', body: '{"name": "Shop", "colour": "red"}', status: 400, code: 'unknown_field' },
  { name: 'a body over the size limit', body: JSON.stringify({ name: 'x', address: 'y'.repeat(5000) }), status: 413, code: 'payload_too_large' },
  { name: 'a form body', headers: () => ({ cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded' }), body: 'name=Shop', status: 415, code: 'unsupported_media_type' },
  { name: 'no credentials', headers: () => ({ 'content-type': 'application/json' }), body: '{"name": "Shop"}', status: 401, code: 'unauthenticated' },
  { name: 'a forged session cookie', headers: () => ({ cookie: 'rsv_session=nonsense', 'content-type': 'application/json' }), body: '{"name": "Shop"}', status: 401, code: 'session_expired' },
  {
    name: 'a well-formed but unknown session',
    headers: () => ({ cookie: `rsv_session=${owner.merchantId.slice(4)}.${'A'.repeat(43)}`, 'content-type': 'application/json' }),
    body: '{"name": "Shop"}',
    status: 401,
    code: 'session_expired',
  },
  { name: 'a malformed API key', headers: () => ({ authorization: 'Bearer sk_nope', 'content-type': 'application/json' }), body: '{"name": "Shop"}', status: 401, code: 'invalid_api_key' },
  { name: 'a Basic authorization header', headers: () => ({ authorization: 'Basic dXNlcjpwYXNz', 'content-type': 'application/json' }), body: '{"name": "Shop"}', status: 401, code: 'invalid_api_key' },
  { name: 'a revoked API key', headers: () => ({ authorization: `Bearer ${revokedToken}`, 'content-type': 'application/json' }), body: '{"name": "Shop"}', status: 401, code: 'invalid_api_key' },
  { name: 'a publishable key', headers: () => ({ authorization: `Bearer ${pkToken}`, 'content-type': 'application/json' }), body: '{"name": "Shop"}', status: 403, code: 'key_not_allowed' },
  { name: 'a clerk on a manager endpoint', headers: () => ({ cookie: clerkCookie, 'content-type': 'application/json' }), body: '{"name": "Shop"}', status: 403, code: 'forbidden' },
  { name: 'a malformed id in the path', method: 'PATCH', url: '/api/stores/sto_not-an-id', body: '{"name": "Shop"}', status: 400, code: 'invalid_id' },
  { name: 'an unknown id', method: 'PATCH', url: '/api/stores/sto_01JD3W6Q0S7RK9V2B8X4M5N6PA', body: '{"name": "Shop"}', status: 404, code: 'not_found' },
  { name: 'an empty patch', method: 'PATCH', url: '/api/stores/:store', body: '{}', status: 400, code: 'validation_failed' },
  { name: 'an unknown endpoint', url: '/api/nothing-here', body: '{}', status: 404, code: 'route_not_found' },
  {
    name: 'a gzip body the API does not accept',
    headers: () => ({ ...asOwner(), 'content-encoding': 'gzip' }),
    body: gzipSync('{"name":"Shop"}'),
    status: 415,
    code: 'unsupported_media_type',
  },
];

describe('bad input', () => {
  it.each(cases)('$name → $status $code, nothing written', async (c) => {
    const before = await tableCounts(t);
    const res = await t.app.inject({
      method: c.method ?? 'POST',
      url: (c.url ?? '/api/stores').replace(':store', storeId),
      headers: c.headers?.() ?? asOwner(),
      ...(c.body !== undefined ? { body: c.body } : {}),
    });
    expect(res.statusCode, res.body).toBe(c.status);
    const error = res.json().error;
    expect(error.code).toBe(c.code);
    expect(error.message).toEqual(expect.any(String));
    expect(error.docUrl).toBe(`/errors#${c.code}`);
    expect(await tableCounts(t)).toEqual(before);
  });
});
