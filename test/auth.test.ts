import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTenant } from '../src/platform/db.js';
import { createTestApp, newMerchant, newStaff, PASSWORD, signIn, type SignedInOwner, type TestApp } from './helpers.js';

describe('sign-in', () => {
  let t: TestApp;
  let owner: SignedInOwner;
  beforeAll(async () => {
    t = await createTestApp({ config: { SIGNIN_FAILURES_PER_ACCOUNT: '3', SIGNIN_FAILURES_PER_IP: '8' } });
    owner = await newMerchant(t);
  });
  afterAll(async () => t.close());

  const signInAs = (email: string, password: string, ip = '10.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password }, remoteAddress: ip });

  it('signs in with any letter case of the email and returns who signed in', async () => {
    const res = await signInAs(owner.email.toUpperCase(), PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ merchant: { id: owner.merchantId }, staff: { id: owner.staffId, role: 'owner' } });
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const wrong = await signInAs(owner.email, 'not the password', '10.0.0.2');
    const unknown = await signInAs('nobody@example.com', 'not the password', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('invalid_credentials');
  });

  it('locks an account after too many failures, even for the right password', async () => {
    const staff = await newStaff(t, owner, 'manager');
    for (let i = 0; i < 3; i++) expect((await signInAs(staff.email, 'wrong password', `10.1.0.${i}`)).statusCode).toBe(401);
    const locked = await signInAs(staff.email, PASSWORD, '10.1.0.9');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_signin_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits failures per IP address across accounts', async () => {
    for (let i = 0; i < 8; i++) await signInAs(`someone${i}@example.com`, 'wrong password', '10.2.0.1');
    const res = await signInAs(owner.email, PASSWORD, '10.2.0.1');
    expect(res.statusCode).toBe(429);
    expect((await signInAs(owner.email, PASSWORD, '10.2.0.2')).statusCode).toBe(200);
  });

  it('signs out: the cookie no longer works', async () => {
    const cookie = await signIn(t, owner.email);
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie, 'content-type': 'application/json' } });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('session_expired');
  });

  it('ends a session when it expires', async () => {
    const staff = await newStaff(t, owner, 'manager');
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: staff.cookie } })).statusCode).toBe(200);
    await inTenant(t.database.handle.db, owner.merchantId, (tx) =>
      sql`update sessions set expires_at = now() - interval '1 second' where merchant_id = ${owner.merchantId} and staff_id = ${staff.staffId}`.execute(tx),
    );
    const res = await t.app.inject({ url: '/api/auth/me', headers: { cookie: staff.cookie } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('session_expired');
  });

  it('changes the password, keeps this session and ends the others', async () => {
    const staff = await newStaff(t, owner, 'manager');
    const other = await signIn(t, staff.email);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: staff.cookie },
      payload: { currentPassword: PASSWORD, newPassword: 'a brand new secret' },
    });
    expect(res.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: staff.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: other } })).statusCode).toBe(401);
    expect((await signInAs(staff.email, PASSWORD, '10.3.0.1')).statusCode).toBe(401);
    expect((await signInAs(staff.email, 'a brand new secret', '10.3.0.1')).statusCode).toBe(200);
  });

  it('refuses a password change with the wrong current password', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: owner.cookie },
      payload: { currentPassword: 'not it at all', newPassword: 'a brand new secret' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_credentials');
  });

  it('disabling an account ends its sessions and blocks sign-in', async () => {
    const clerkStore = (await t.app.inject({ method: 'POST', url: '/api/stores', headers: { cookie: owner.cookie }, payload: { name: 'S' } })).json().id;
    const clerk = await newStaff(t, owner, 'clerk', [clerkStore]);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/staff/${clerk.staffId}`, headers: { cookie: owner.cookie }, payload: { disabled: true } });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: clerk.cookie } })).statusCode).toBe(401);
    expect((await signInAs(clerk.email, PASSWORD, '10.4.0.1')).statusCode).toBe(401);
  });
});

describe('session cookie', () => {
  it('is Secure when the request came over TLS through a trusted proxy', async () => {
    const t = await createTestApp({ config: { TRUST_PROXY: 'true' } });
    try {
      const owner = await newMerchant(t);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: owner.email, password: PASSWORD },
      });
      expect(res.cookies.find((c) => c.name === 'rsv_session')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
      const plain = await t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: owner.email, password: PASSWORD } });
      expect(plain.cookies.find((c) => c.name === 'rsv_session')?.secure).toBeFalsy();
    } finally {
      await t.close();
    }
  });
});
