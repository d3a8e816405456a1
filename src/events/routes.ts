import cors from '@fastify/cors';
import { authenticateApiKey, principalOf } from '../auth/principal.js';
import type { Context } from '../platform/context.js';
import type { Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import type { EventType } from '../platform/schema.js';
import { gunzipBody } from './gzip.js';
import { IngestQueue } from './ingest-queue.js';
import { BatchBody, EVENT_TYPES, eventSchemas, IngestResponse, MAX_BATCH_BYTES, MAX_EVENT_BYTES, type Rejection } from './schemas.js';
import { checkBatchItem, checkSingleEvent, isRejection, type IncomingEvent } from './validate.js';

const SHORT_PATH: Record<EventType, string> = { track: 't', identify: 'i', page: 'p', screen: 's', alias: 'a', group: 'g' };

/**
 * The Segment-compatible tracking API under /v1. Browsers call it from other origins, so the
 * scope has its own CORS, accepts gzip and analytics.js's `text/plain` JSON, and takes the
 * write key from Basic auth (Segment's servers' way), Bearer, or the body's `writeKey`.
 */
export async function eventRoutes(app: App, { database: { db } }: Context): Promise<void> {
  await app.register(async (v1) => tracking(v1 as App, db), { prefix: '/v1' });
}

async function tracking(v1: App, db: Db): Promise<void> {
  const queue = new IngestQueue(db);
  await v1.register(cors, {
    origin: '*',
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Content-Encoding'],
    maxAge: 86400,
  });
  // Authentication runs in an earlier hook than CORS: a refused request still needs the CORS
  // header, or the browser hides the error from the page.
  v1.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('access-control-allow-origin')) reply.header('access-control-allow-origin', '*');
    reply.header('cross-origin-resource-policy', 'cross-origin');
  });
  // analytics.js posts JSON as text/plain so that browsers skip the CORS preflight.
  v1.removeContentTypeParser('text/plain');
  v1.addContentTypeParser('text/plain', { parseAs: 'string' }, v1.getDefaultJsonParser('error', 'error'));
  v1.addHook('preParsing', gunzipBody);
  v1.addHook('preValidation', async (request) => {
    if (!request.principal) request.principal = await authenticateApiKey(db, writeKeyOf(request.body));
  });

  const config = { auth: 'publishable', decompress: true, writeKeyInBody: true } as const;
  const tags = ['Tracking (Segment-compatible)'];
  const security: { [label: string]: string[] }[] = [{ writeKey: [] }, { secretKey: [] }];

  for (const type of EVENT_TYPES) {
    for (const path of [`/${type}`, `/${SHORT_PATH[type]}`]) {
      v1.post(
        path,
        {
          config,
          bodyLimit: MAX_EVENT_BYTES,
          schema: {
            tags,
            security,
            hide: path.length === 2,
            summary: `Record a ${type} event (Segment ${type} spec)`,
            body: eventSchemas[type],
            response: withErrors({ 200: IngestResponse }),
          },
        },
        async (request) => {
          const event = checkSingleEvent(request.body as Record<string, unknown>, type, new Date());
          if (isRejection(event)) throw new AppError('validation_failed', event.message, event.details);
          return respond(await queue.submit(principalOf(request).merchantId, [event]), []);
        },
      );
    }
  }

  for (const path of ['/batch', '/b']) {
    v1.post(
      path,
      {
        config,
        bodyLimit: MAX_BATCH_BYTES,
        schema: {
          tags,
          security,
          hide: path === '/b',
          summary: 'Record several events; invalid ones are listed and the rest stored',
          body: BatchBody,
          response: withErrors({ 200: IngestResponse }),
        },
      },
      async (request) => {
        const body = request.body as BatchBody;
        const receivedAt = new Date();
        const checked = body.batch.map((item, index) => checkBatchItem(item, index, { context: body.context as Record<string, unknown> | null | undefined, sentAt: body.sentAt, receivedAt }));
        const valid = checked.filter((c): c is IncomingEvent => !isRejection(c));
        const rejected = checked.filter(isRejection);
        return respond(await queue.submit(principalOf(request).merchantId, valid), rejected);
      },
    );
  }
}

function respond(outcome: { accepted: number; duplicates: number }, rejected: Rejection[]) {
  return { success: true, accepted: outcome.accepted, duplicates: outcome.duplicates, rejected };
}

function writeKeyOf(body: unknown): string {
  const key = typeof body === 'object' && body !== null && 'writeKey' in body ? body.writeKey : undefined;
  if (typeof key !== 'string' || key === '') throw new AppError('unauthenticated', 'Send the write key as the Basic auth user name (or Bearer token).');
  return key;
}
