import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from 'typebox';
import { analyticsRoutes } from './analytics/routes.js';
import { authRoutes } from './auth/routes.js';
import { eventRoutes } from './events/routes.js';
import { registerAuth } from './auth/principal.js';
import { keyRoutes } from './keys/routes.js';
import { memberRoutes } from './members/routes.js';
import { merchantRoutes } from './merchants/routes.js';
import { offerRoutes } from './offers/routes.js';
import { orderRoutes } from './orders/routes.js';
import type { Config } from './platform/config.js';
import type { Context } from './platform/context.js';
import { migrate, openDatabase, type DatabaseHandle } from './platform/db.js';
import { AppError, errorBody, errorCatalogue } from './platform/errors.js';
import { createServer, type App, type Logging } from './platform/http.js';
import { registerIdempotency } from './platform/idempotency.js';
import { ErrorResponse } from './platform/schemas.js';
import { staffRoutes } from './staff/routes.js';
import { storeRoutes } from './stores/routes.js';
import { tapsRoutes } from './taps/routes.js';
import { sql } from 'kysely';
import { startStatisticsTimer } from './platform/statistics.js';

/** The project folder (holds package.json and web/dist), found from this file in src/ or dist/src/. */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

export interface BuildOptions {
  /** An already-open database (tests); otherwise opened from the configuration. */
  database?: DatabaseHandle;
  /** Run migrations before serving (default true). */
  migrate?: boolean;
  logging?: Logging;
  /** Where the built web pages are (default web/dist); browser tests serve a copy that a rebuild cannot change under them. */
  webRoot?: string;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<{ app: App; database: DatabaseHandle }> {
  const database = options.database ?? (await openDatabase(config));
  if (options.migrate !== false) await migrate(database.db);

  const app = createServer(config, options.logging);
  const context: Context = { config, database };
  app.addHook('onClose', async () => {
    if (!options.database) await database.close();
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // Not behind TLS by default (a laptop on localhost); HSTS is for the proxy that terminates TLS.
    hsts: false,
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Reservoir API', version, description: 'The HTTP API of Reservoir. Errors: see /errors.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'rsv_session' },
          secretKey: { type: 'http', scheme: 'bearer', description: 'A secret key `sk_…`' },
          writeKey: { type: 'http', scheme: 'basic', description: 'Tracking API (/v1): the publishable key `pk_…` as the user name, empty password' },
        },
      },
      security: [{ session: [] }, { secretKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false });

  registerAuth(app, database.db, { publishableKeyCacheSeconds: config.publishableKeyCacheSeconds });
  registerIdempotency(app, database.db);
  healthRoutes(app, database);
  errorCatalogueRoute(app);
  for (const routes of [merchantRoutes, authRoutes, storeRoutes, staffRoutes, keyRoutes, tapsRoutes, eventRoutes, memberRoutes, orderRoutes, offerRoutes, analyticsRoutes]) {
    await app.register(async (scope) => routes(scope as App, context));
  }
  // Planner statistics where no autovacuum keeps them (platform/statistics.ts).
  await app.register(async (scope) => {
    const statistics = startStatisticsTimer(database.db, database.kind, config.statisticsCheckSeconds, scope.log);
    scope.addHook('onClose', async () => statistics.stop());
  });
  if (config.benchRoutes) {
    // The baseline of the redirect benchmark: the same server, a 302 and nothing else.
    app.get('/bench/noop-redirect', { schema: { hide: true } }, async (_request, reply) => reply.redirect('https://example.com/', 302));
  }
  await webRoutes(app, options.webRoot ?? join(projectRoot, 'web', 'dist'));
  return { app, database };
}

function healthRoutes(app: App, database: DatabaseHandle): void {
  const Health = Type.Object({ status: Type.String(), database: Type.Optional(Type.String()) });
  app.get('/healthz', { schema: { tags: ['Health'], summary: 'The process is up', response: { 200: Health } } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { tags: ['Health'], summary: 'The database answers', response: { 200: Health, 503: ErrorResponse } } },
    async () => {
      try {
        await sql`select 1`.execute(database.db);
      } catch {
        throw new AppError('database_unavailable');
      }
      return { status: 'ok', database: database.kind };
    },
  );
}

/** The error catalogue, served from the same table the code uses; every error's docUrl points here. */
function errorCatalogueRoute(app: App): void {
  app.get('/errors', { schema: { hide: true } }, async (_request, reply) => {
    const rows = Object.entries(errorCatalogue)
      .map(([code, e]) => `<tr id="${code}"><td><code>${code}</code></td><td>${e.status}</td><td>${escapeHtml(e.message)}</td></tr>`)
      .join('\n');
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reservoir errors</title></head><body>` +
          `<h1>Reservoir error codes</h1><p>Every error response is <code>{"error":{"code","message","docUrl"}}</code>.</p>` +
          `<table><thead><tr><th>code</th><th>HTTP</th><th>meaning</th></tr></thead><tbody>${rows}</tbody></table></body></html>`,
      );
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

const API_PREFIXES = ['/api/', '/v1/', '/docs', '/healthz', '/readyz', '/errors'];
const CUSTOMER_PAGE = /^\/m\/[^/?#]+(?:[/?#]|$)/;

/** The web pages (built by Vite into web/dist); any other GET that wants HTML gets the app shell. */
async function webRoutes(app: App, root: string): Promise<void> {
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: false, maxAge: '1h', immutable: false });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (wantsPage && !API_PREFIXES.some((p) => request.url.startsWith(p))) {
      if (!built) return reply.code(503).type('text/plain').send('The web pages are not built yet: run `npm run build`.');
      // Customer pages (/m/:merchantId/…) are a bundle of their own, small for slow phones.
      const page = CUSTOMER_PAGE.test(request.url) ? 'customer.html' : 'index.html';
      return reply.header('cache-control', 'no-cache').sendFile(page);
    }
    return reply.code(404).send(errorBody('route_not_found', errorCatalogue.route_not_found.message));
  });
}
