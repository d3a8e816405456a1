import type { IncomingMessage, ServerResponse } from 'node:http';
import { Ajv, type ErrorObject, type Options as AjvOptions } from 'ajv';
import formatsPlugin from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import { AppError, errorBody, errorCatalogue, fromDatabaseError, type ErrorCode, type ErrorDetail } from './errors.js';
import { newId } from './ids.js';
import { logRedactPaths } from './log.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route decompresses gzip bodies itself. */
    decompress?: boolean;
  }
}

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

const addFormats = formatsPlugin as unknown as (ajv: Ajv) => Ajv;

function makeAjv(options: AjvOptions): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, ...options });
  addFormats(ajv);
  return ajv;
}

// Bodies are checked as sent: no type coercion and no silent removal of unknown fields, so a
// misspelt field is an error rather than a no-op. Query strings and path parameters arrive as
// text and are coerced to the declared types.
const bodyAjv = makeAjv({ coerceTypes: false, removeAdditional: false });
const textAjv = makeAjv({ coerceTypes: 'array', removeAdditional: false });

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export interface Logging {
  /** Where log lines go (standard output when not given). */
  stream?: { write(line: string): void };
  level?: string;
}

export function createServer(config: Config, logging: Logging = {}): App {
  const app = Fastify({
    logger: {
      level: logging.level ?? config.logLevel,
      redact: { paths: logRedactPaths, censor: '[redacted]' },
      ...(logging.stream ? { stream: logging.stream } : {}),
    },
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : newId('request');
    },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // An empty body sent as JSON (a bodiless POST from a client that always sets the header) is
  // "no body", not malformed JSON; routes that need a body then say which fields are missing.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return parseJson(request, body as string, done);
  });

  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));

  // Compressed bodies are accepted only where a route decompresses them (event ingestion).
  app.addHook('preParsing', async (request) => {
    const encoding = request.headers['content-encoding'];
    if (encoding && encoding !== 'identity' && !request.routeOptions.config.decompress) {
      throw new AppError('unsupported_media_type', `Content-Encoding ${encoding} is not accepted here; send the body uncompressed.`);
    }
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    }
    const message = appError.status >= 500 ? errorCatalogue[appError.code].message : appError.message;
    if (appError.headers) reply.headers(appError.headers);
    return reply.code(appError.status).send(errorBody(appError.code, message, appError.details));
  });

  return app as App;
}

function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) return fromValidation(error.validation, error.validationContext ?? 'body');
  const fromDb = fromDatabaseError(error);
  if (fromDb) return fromDb;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json');
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return new AppError('malformed_json');
  if (error.statusCode === 429) return new AppError('rate_limited');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('validation_failed', error.message);
  }
  return new AppError('internal_error');
}

function fromValidation(errors: Partial<ErrorObject>[], part: string): AppError {
  const details: ErrorDetail[] = errors.map((e) => {
    const base = `/${part}${e.instancePath ?? ''}`;
    if (e.keyword === 'additionalProperties') {
      const field = (e.params as { additionalProperty?: string }).additionalProperty;
      return { path: `${base}/${field}`, problem: 'is not a known field' };
    }
    if (e.keyword === 'required') {
      const field = (e.params as { missingProperty?: string }).missingProperty;
      return { path: `${base}/${field}`, problem: 'is required' };
    }
    return { path: base, problem: e.message ?? 'is not valid' };
  });
  const code: ErrorCode =
    part === 'params' ? 'invalid_id' : errors.some((e) => e.keyword === 'additionalProperties') ? 'unknown_field' : 'validation_failed';
  return new AppError(code, undefined, dedupe(details));
}

function dedupe(details: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const key = `${d.path} ${d.problem}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Checks a value against a request schema outside HTTP (the CLI), with the same rules as bodies. */
export function checkBody(schema: object, value: unknown): ErrorDetail[] {
  const validate = bodyAjv.compile(schema);
  if (validate(value)) return [];
  return fromValidation(validate.errors ?? [], 'input').details ?? [];
}
