import { ALL_ROLES, MANAGERS, principalOf } from '../auth/principal.js';
import type { Context } from '../platform/context.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { CreateStoreBody, Store, StoreList, StoreListQuery, StoreParams, UpdateStoreBody } from './schemas.js';
import { changeStore, createStore, getStore, listVisibleStores } from './service.js';

export async function storeRoutes(app: App, { database: { db } }: Context): Promise<void> {
  const tags = ['Stores'];

  app.get(
    '/api/stores',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Stores you can see (a clerk: their own)', querystring: StoreListQuery, response: withErrors({ 200: StoreList }) } },
    async (request) => ({ data: await listVisibleStores(db, principalOf(request), request.query.includeArchived ?? false) }),
  );

  app.post(
    '/api/stores',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Add a store', body: CreateStoreBody, response: withErrors({ 201: Store }) } },
    async (request, reply) => reply.code(201).send(await createStore(db, principalOf(request).merchantId, request.body)),
  );

  app.get(
    '/api/stores/:storeId',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'One store', params: StoreParams, response: withErrors({ 200: Store }) } },
    async (request) => getStore(db, principalOf(request), request.params.storeId),
  );

  app.patch(
    '/api/stores/:storeId',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Change or archive a store', params: StoreParams, body: UpdateStoreBody, response: withErrors({ 200: Store }) },
    },
    async (request) => changeStore(db, principalOf(request).merchantId, request.params.storeId, request.body),
  );
}
