import { Type } from 'typebox';
import { ALL_ROLES, MANAGERS, principalOf } from '../auth/principal.js';
import type { Context } from '../platform/context.js';
import type { Db } from '../platform/db.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { addCost, changeChannel, changeCost, createChannel, getChannel, listAllChannels, listChannelCosts, removeCost } from './channels.js';
import { ClickBuffer } from './click-buffer.js';
import { LinkCache } from './link-cache.js';
import { changeLink, createLink, getLink, listAllLinks, type LinkDeps } from './links.js';
import { deadEndPage } from './pages.js';
import { linkStats } from './link-stats.js';
import { linkQr } from './qr.js';
import { VISITOR_COOKIE, visitLink, type RedirectDeps } from './redirect.js';
import {
  Channel,
  ChannelCost,
  ChannelCostList,
  ChannelList,
  ChannelListQuery,
  ChannelParams,
  CostParams,
  CreateChannelBody,
  CreateCostBody,
  CreateLinkBody,
  Link,
  LinkList,
  LinkListQuery,
  LinkParams,
  LinkStats,
  QrQuery,
  UpdateChannelBody,
  UpdateCostBody,
  UpdateLinkBody,
} from './schemas.js';

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Channels, costs, links and QR codes under /api, and the public redirect /l/:slug. The link
 * cache and the click buffer live as long as the app; closing the app writes the buffered
 * clicks before the database closes (this scope's onClose runs before the app's).
 */
export async function tapsRoutes(app: App, { config, database: { db } }: Context): Promise<void> {
  const cache = new LinkCache(db, { publicUrl: config.publicUrl, ttlMs: config.linkCacheSeconds * 1000 });
  const clicks = new ClickBuffer({ db, log: app.log, intervalMs: config.clickFlushMs, maxBuffered: config.clickBufferLimit });
  clicks.start();
  app.addHook('onClose', async () => clicks.stop());

  channelRoutes(app, db);
  linkRoutes(app, { db, publicUrl: config.publicUrl, cache });
  redirectRoute(app, { cache, clicks, geo: { countryHeader: config.geoCountryHeader, regionHeader: config.geoRegionHeader } });
}

function channelRoutes(app: App, db: Db): void {
  const tags = ['Channels'];

  app.get(
    '/api/channels',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Channels (archived ones on request)', querystring: ChannelListQuery, response: withErrors({ 200: ChannelList }) } },
    async (request) => ({
      data: await listAllChannels(db, principalOf(request).merchantId, { includeArchived: request.query.includeArchived ?? false, kind: request.query.kind }),
    }),
  );

  app.post(
    '/api/channels',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Add a channel', body: CreateChannelBody, response: withErrors({ 201: Channel }) } },
    async (request, reply) => reply.code(201).send(await createChannel(db, principalOf(request).merchantId, request.body)),
  );

  app.get(
    '/api/channels/:channelId',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'One channel', params: ChannelParams, response: withErrors({ 200: Channel }) } },
    async (request) => getChannel(db, principalOf(request).merchantId, request.params.channelId),
  );

  app.patch(
    '/api/channels/:channelId',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Rename, change the kind, archive', params: ChannelParams, body: UpdateChannelBody, response: withErrors({ 200: Channel }) },
    },
    async (request) => changeChannel(db, principalOf(request).merchantId, request.params.channelId, request.body),
  );

  // What was spent is for the people who decide on spending: owners and managers.
  app.get(
    '/api/channels/:channelId/costs',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'What the channel cost, by period', params: ChannelParams, response: withErrors({ 200: ChannelCostList }) } },
    async (request) => ({ data: await listChannelCosts(db, principalOf(request).merchantId, request.params.channelId) }),
  );

  app.post(
    '/api/channels/:channelId/costs',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Record what the channel cost over a period', params: ChannelParams, body: CreateCostBody, response: withErrors({ 201: ChannelCost }) },
    },
    async (request, reply) => reply.code(201).send(await addCost(db, principalOf(request).merchantId, request.params.channelId, request.body)),
  );

  app.patch(
    '/api/channels/:channelId/costs/:costId',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Correct a cost entry (amount, currency, period, note)', params: CostParams, body: UpdateCostBody, response: withErrors({ 200: ChannelCost }) },
    },
    async (request) => changeCost(db, principalOf(request).merchantId, request.params.channelId, request.params.costId, request.body),
  );

  app.delete(
    '/api/channels/:channelId/costs/:costId',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Remove a cost entry', params: CostParams, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await removeCost(db, principalOf(request).merchantId, request.params.channelId, request.params.costId);
      return reply.code(204).send(null);
    },
  );
}

function linkRoutes(app: App, deps: LinkDeps): void {
  const tags = ['Links'];

  app.get(
    '/api/links',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Short links, newest first, with their counts', querystring: LinkListQuery, response: withErrors({ 200: LinkList }) } },
    async (request) => ({ data: await listAllLinks(deps, principalOf(request).merchantId, { channelId: request.query.channelId, campaign: request.query.campaign }) }),
  );

  app.post(
    '/api/links',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Create a short link (slug generated unless given)', body: CreateLinkBody, response: withErrors({ 201: Link }) } },
    async (request, reply) => reply.code(201).send(await createLink(deps, principalOf(request).merchantId, request.body)),
  );

  app.get(
    '/api/links/:linkId',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'One short link with its counts', params: LinkParams, response: withErrors({ 200: Link }) } },
    async (request) => getLink(deps, principalOf(request).merchantId, request.params.linkId),
  );

  app.patch(
    '/api/links/:linkId',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Change channel, destination, slug, campaign, expiry; deactivate', params: LinkParams, body: UpdateLinkBody, response: withErrors({ 200: Link }) },
    },
    async (request) => changeLink(deps, principalOf(request).merchantId, request.params.linkId, request.body),
  );

  app.get(
    '/api/links/:linkId/stats',
    {
      // It carries revenue: for the people who see the numbers, owners and managers.
      config: { auth: MANAGERS },
      schema: { tags, summary: 'What the link brought: clicks, scans, visitors, claims, store visits, orders, net revenue', params: LinkParams, response: withErrors({ 200: LinkStats }) },
    },
    async (request) => linkStats(deps.db, principalOf(request).merchantId, request.params.linkId),
  );

  for (const format of ['png', 'svg'] as const) {
    app.get(
      `/api/links/:linkId/qr.${format}`,
      {
        config: { auth: ALL_ROLES },
        schema: { tags, summary: `The link's QR code as ${format.toUpperCase()} (a scan counts as a scan)`, params: LinkParams, querystring: QrQuery },
      },
      async (request, reply) => {
        const { size = 512, margin = 4, ecc = 'M' } = request.query;
        const qr = await linkQr(deps.db, deps.publicUrl, principalOf(request).merchantId, request.params.linkId, format, { size, margin, ecc });
        return reply
          .type(format === 'png' ? 'image/png' : 'image/svg+xml')
          .header('content-disposition', `inline; filename="${qr.slug}.${format}"`)
          .header('cache-control', 'private, no-cache')
          .send(qr.body);
      },
    );
  }
}

function redirectRoute(app: App, deps: RedirectDeps): void {
  app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/l/:slug',
    // No schema on purpose: whatever arrives, a person gets a page, never a JSON error.
    { config: { auth: 'public' }, schema: { tags: ['Short links'], summary: 'Follow a short link (302), counting the click or scan' } },
    async (request, reply) => {
      let outcome;
      try {
        outcome = await visitLink(deps, {
          slug: request.params.slug,
          method: request.method,
          headers: request.headers,
          ip: request.ip,
          isScan: request.query.s === '1',
          visitorCookie: request.cookies[VISITOR_COOKIE],
        });
      } catch (error) {
        request.log.error({ err: error }, 'short link lookup failed');
        outcome = { kind: 'dead_end', page: 'unavailable' } as const;
      }
      // Every visit must reach this server to be counted, and the Location carries a
      // per-visitor id: no cache may keep either answer.
      reply.header('cache-control', 'private, no-store');
      if (outcome.kind === 'dead_end') {
        const page = deadEndPage(outcome.page);
        return reply.code(page.status).type('text/html; charset=utf-8').send(page.html);
      }
      if (outcome.newVisitorId) {
        // Readable by our own pages' scripts (not httpOnly): it is an anonymous id, not a credential.
        // Written as the header itself, not with reply.setCookie: the value is an id of our own
        // (no character needs encoding), and the cookie plugin's serialisation and onSend pass
        // cost the redirect about a tenth of its throughput on the benchmark.
        reply.header('set-cookie', `${VISITOR_COOKIE}=${outcome.newVisitorId}; Max-Age=${ONE_YEAR_SECONDS}; Path=/; SameSite=Lax${request.protocol === 'https' ? '; Secure' : ''}`);
      }
      return reply.redirect(outcome.location, 302);
    },
  );
}
