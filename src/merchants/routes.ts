import { ALL_ROLES, OWNERS, principalOf } from '../auth/principal.js';
import { setSessionCookie } from '../auth/session-cookie.js';
import type { Context } from '../platform/context.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { Type } from 'typebox';
import { Staff } from '../staff/schemas.js';
import { CreateMerchantBody, Merchant, MerchantSettings, SetupStatus, UpdateMerchantBody } from './schemas.js';
import { changeMerchant, createMerchantWithOwner, getMerchant, isSetupNeeded } from './service.js';

export async function merchantRoutes(app: App, { config, database: { db } }: Context): Promise<void> {
  // The provider is the installation's, not the merchant's: it comes from the config.
  const installation = { messageProvider: config.messageProvider };

  app.get(
    '/api/setup',
    { config: { auth: 'public' }, schema: { tags: ['Set-up'], summary: 'Whether first-run set-up is still needed', response: withErrors({ 200: SetupStatus }) } },
    async () => ({ needed: await isSetupNeeded(db) }),
  );

  app.post(
    '/api/setup',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Set-up'],
        summary: 'First run: create the merchant and its owner, and sign the owner in',
        description: 'Only works while no merchant exists; afterwards it answers `setup_already_done`.',
        body: CreateMerchantBody,
        response: withErrors({ 201: Type.Object({ merchant: Merchant, staff: Staff }) }),
      },
    },
    async (request, reply) => {
      const created = await createMerchantWithOwner(db, {
        ...request.body,
        firstRunOnly: true,
        openSessionFor: { userAgent: request.headers['user-agent'] ?? null, ttlHours: config.sessionTtlHours },
      });
      if (created.sessionToken) setSessionCookie(request, reply, created.sessionToken, config.sessionTtlHours);
      return reply.code(201).send({ merchant: created.merchant, staff: created.owner });
    },
  );

  app.get(
    '/api/merchant',
    { config: { auth: ALL_ROLES }, schema: { tags: ['Merchant'], summary: 'The merchant and its settings', response: withErrors({ 200: MerchantSettings }) } },
    async (request) => ({ ...(await getMerchant(db, principalOf(request).merchantId)), ...installation }),
  );

  app.patch(
    '/api/merchant',
    {
      config: { auth: OWNERS },
      schema: { tags: ['Merchant'], summary: 'Change the merchant settings', body: UpdateMerchantBody, response: withErrors({ 200: MerchantSettings }) },
    },
    async (request) => ({ ...(await changeMerchant(db, principalOf(request).merchantId, request.body)), ...installation }),
  );
}
