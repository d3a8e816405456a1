import { MANAGERS, principalOf } from '../auth/principal.js';
import type { Context } from '../platform/context.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { CreateStaffBody, Staff, StaffList, StaffParams, UpdateStaffBody } from './schemas.js';
import { createStaffMember, getStaffMember, listStaffMembers, updateStaffMember } from './service.js';

export async function staffRoutes(app: App, { database: { db } }: Context): Promise<void> {
  const tags = ['Staff'];

  app.get(
    '/api/staff',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Everyone who can sign in', response: withErrors({ 200: StaffList }) } },
    async (request) => ({ data: await listStaffMembers(db, principalOf(request).merchantId) }),
  );

  app.post(
    '/api/staff',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Add a staff account (managers may add clerks)', body: CreateStaffBody, response: withErrors({ 201: Staff }) },
    },
    async (request, reply) => reply.code(201).send(await createStaffMember(db, principalOf(request), request.body)),
  );

  app.get(
    '/api/staff/:staffId',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'One staff account', params: StaffParams, response: withErrors({ 200: Staff }) } },
    async (request) => getStaffMember(db, principalOf(request).merchantId, request.params.staffId),
  );

  app.patch(
    '/api/staff/:staffId',
    {
      config: { auth: MANAGERS },
      schema: {
        tags,
        summary: 'Change role, stores, name or password; disable or re-enable',
        params: StaffParams,
        body: UpdateStaffBody,
        response: withErrors({ 200: Staff }),
      },
    },
    async (request) => updateStaffMember(db, principalOf(request), request.params.staffId, request.body),
  );
}
