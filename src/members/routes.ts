import { ALL_ROLES, MANAGERS, principalOf } from '../auth/principal.js';
import type { Context } from '../platform/context.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { changeTag, getProfile, mergeMembers, searchMembers } from './profiles.js';
import { MemberList, MemberListQuery, MemberParams, MergeBody, Profile, ProfileQuery, TagParams, Tags } from './schemas.js';

export async function memberRoutes(app: App, { database: { db } }: Context): Promise<void> {
  const tags = ['Members'];

  app.get(
    '/api/members',
    {
      config: { auth: ALL_ROLES },
      schema: { tags, summary: 'Find members by phone, email, external id, userId or name; or the newest', querystring: MemberListQuery, response: withErrors({ 200: MemberList }) },
    },
    async (request) => ({ data: await searchMembers(db, principalOf(request), request.query) }),
  );

  app.get(
    '/api/members/:memberId',
    {
      config: { auth: ALL_ROLES },
      schema: { tags, summary: 'A member profile with identities, touches, merges and timeline (a merged id shows its survivor)', params: MemberParams, querystring: ProfileQuery, response: withErrors({ 200: Profile }) },
    },
    async (request) => getProfile(db, principalOf(request), request.params.memberId, request.query.timelineLimit ?? 50),
  );

  app.put(
    '/api/members/:memberId/tags/:tag',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Tag a member', params: TagParams, response: withErrors({ 200: Tags }) } },
    async (request) => changeTag(db, principalOf(request).merchantId, request.params.memberId, request.params.tag, 'add'),
  );

  app.delete(
    '/api/members/:memberId/tags/:tag',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Remove a tag', params: TagParams, response: withErrors({ 200: Tags }) } },
    async (request) => changeTag(db, principalOf(request).merchantId, request.params.memberId, request.params.tag, 'remove'),
  );

  app.post(
    '/api/members/:memberId/merges',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Merge another member into this person (the older member survives)', params: MemberParams, body: MergeBody, response: withErrors({ 200: Profile }) },
    },
    async (request) => mergeMembers(db, principalOf(request), request.params.memberId, request.body.memberId),
  );
}
