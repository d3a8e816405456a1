import { getMerchant } from '../merchants/service.js';
import type { Context } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { getStaffMember } from '../staff/service.js';
import { changePassword } from './change-password.js';
import { ALL_ROLES, principalOf } from './principal.js';
import { deleteSession } from './queries.js';
import { ChangePasswordBody, Me, SignInBody, SignedIn } from './schemas.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';
import { signIn } from './sign-in.js';
import { SigninLimiter } from './signin-limiter.js';
import { inTenant } from '../platform/db.js';
import { Type } from 'typebox';

export async function authRoutes(app: App, { config, database: { db } }: Context): Promise<void> {
  const limiter = new SigninLimiter(config);
  const tags = ['Sign-in'];

  app.post(
    '/api/auth/sign-in',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'Sign in with email and password; sets the session cookie', body: SignInBody, response: withErrors({ 200: SignedIn }) },
    },
    async (request, reply) => {
      const session = await signIn(db, limiter, {
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        ttlHours: config.sessionTtlHours,
      });
      setSessionCookie(request, reply, session.token, config.sessionTtlHours);
      const [merchant, staff] = await Promise.all([getMerchant(db, session.merchantId), getStaffMember(db, session.merchantId, session.staffId)]);
      return { merchant, staff };
    },
  );

  app.post(
    '/api/auth/sign-out',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'End this session', response: withErrors({ 204: Type.Null({ description: 'Done; no content.' }) }) } },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!principal.sessionId) throw new AppError('forbidden', 'Only a signed-in person can sign out.');
      const sessionId = principal.sessionId;
      await inTenant(db, principal.merchantId, (tx) => deleteSession(principal.merchantId, tx, sessionId));
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Who is calling', response: withErrors({ 200: Me }) } },
    async (request) => {
      const principal = principalOf(request);
      const merchant = await getMerchant(db, principal.merchantId);
      const staff = principal.staffId ? await getStaffMember(db, principal.merchantId, principal.staffId) : null;
      return {
        merchant,
        staff,
        via: principal.via === 'session' ? ('session' as const) : ('secret_key' as const),
        role: principal.role ?? 'clerk',
        storeIds: principal.storeIds,
      };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { auth: ALL_ROLES },
      schema: { tags, summary: 'Change your password (ends your other sessions)', body: ChangePasswordBody, response: withErrors({ 204: Type.Null({ description: 'Done; no content.' }) }) },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!principal.staffId || !principal.sessionId) throw new AppError('forbidden', 'Only a signed-in person has a password.');
      await changePassword(db, principal.merchantId, {
        staffId: principal.staffId,
        sessionId: principal.sessionId,
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
      });
      return reply.code(204).send(null);
    },
  );
}
