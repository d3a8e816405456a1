import { OWNERS, principalOf } from '../auth/principal.js';
import type { Context } from '../platform/context.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { ApiKey, ApiKeyList, CreateKeyBody, CreatedApiKey, KeyParams } from './schemas.js';
import { createKey, listApiKeys, revokeApiKey } from './service.js';

export async function keyRoutes(app: App, { database: { db } }: Context): Promise<void> {
  const tags = ['API keys'];

  app.get(
    '/api/keys',
    { config: { auth: OWNERS }, schema: { tags, summary: 'API keys (never the keys themselves)', response: withErrors({ 200: ApiKeyList }) } },
    async (request) => ({ data: await listApiKeys(db, principalOf(request).merchantId) }),
  );

  app.post(
    '/api/keys',
    {
      config: { auth: OWNERS },
      schema: { tags, summary: 'Create a key; the response shows it once', body: CreateKeyBody, response: withErrors({ 201: CreatedApiKey }) },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      return reply.code(201).send(await createKey(db, principal.merchantId, principal.staffId ?? principal.keyId, request.body));
    },
  );

  app.delete(
    '/api/keys/:keyId',
    { config: { auth: OWNERS }, schema: { tags, summary: 'Revoke a key, at once and for good', params: KeyParams, response: withErrors({ 200: ApiKey }) } },
    async (request) => revokeApiKey(db, principalOf(request).merchantId, request.params.keyId),
  );
}
