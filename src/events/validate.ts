import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { idText, isRecord, MAX_IDENTITY_LENGTH } from '../members/identities.js';
import type { ErrorDetail } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { EventType } from '../platform/schema.js';
import { EVENT_TYPES, eventSchemas, MAX_EVENT_BYTES, type Rejection } from './schemas.js';

/** An event that passed every check, in the shape it is stored and stitched in. */
export interface IncomingEvent {
  index: number;
  eventId: string;
  messageId: string;
  type: EventType;
  /** track: event; page/screen: name; group: groupId; alias: previousId. */
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
  occurredAt: Date;
}

/** What a batch says about all its events. */
export interface BatchDefaults {
  context?: Record<string, unknown> | null | undefined;
  sentAt?: string | null | undefined;
  receivedAt: Date;
}

// Batch items are checked one by one (a bad one must not cost the others), with the same
// rules as request bodies: no coercion, every problem listed.
const itemAjv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, removeAdditional: false });
const validators = new Map<EventType, ValidateFunction>(EVENT_TYPES.map((type) => [type, itemAjv.compile(eventSchemas[type])]));

const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);
/**
 * PostgreSQL cannot store NUL characters or lone UTF-16 surrogates in text or jsonb.
 * JSON.stringify writes both (and only those) as \u escapes, so one look at the serialized
 * event finds them (an escaped backslash before the `u` does not count).
 */
const UNSTORABLE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** A batch item: its size, shape and meaning, each problem reported against its index. */
export function checkBatchItem(raw: unknown, index: number, defaults: BatchDefaults): IncomingEvent | Rejection {
  const messageId = isRecord(raw) && typeof raw.messageId === 'string' ? raw.messageId : null;
  const serialized = JSON.stringify(raw);
  if (Buffer.byteLength(serialized) > MAX_EVENT_BYTES) {
    return { index, messageId, code: 'payload_too_large', message: `The event is larger than ${MAX_EVENT_BYTES} bytes.` };
  }
  const type = isRecord(raw) ? raw.type : undefined;
  const validate = typeof type === 'string' ? validators.get(type as EventType) : undefined;
  if (!validate) {
    return reject(index, messageId, `type must be one of ${EVENT_TYPES.join(', ')}`, [{ path: `/batch/${index}/type`, problem: `must be one of ${EVENT_TYPES.join(', ')}` }]);
  }
  if (!validate(raw)) return reject(index, messageId, 'The event is not valid.', ajvDetails(validate.errors ?? [], `/batch/${index}`));
  if (UNSTORABLE.test(serialized)) return reject(index, messageId, 'The event contains a NUL character or a broken UTF-16 surrogate.', []);
  return normalizeEvent(raw as Record<string, unknown>, type as EventType, index, defaults, `/batch/${index}`);
}

/** A single event posted to /v1/track and the like, its shape already checked by the route. */
export function checkSingleEvent(body: Record<string, unknown>, type: EventType, receivedAt: Date): IncomingEvent | Rejection {
  if (UNSTORABLE.test(JSON.stringify(body))) {
    return reject(0, typeof body.messageId === 'string' ? body.messageId : null, 'The event contains a NUL character or a broken UTF-16 surrogate.', []);
  }
  return normalizeEvent(body, type, 0, { receivedAt }, '/body');
}

/**
 * The meaning of an event whose shape is already valid: ids, the time it happened, the stored
 * name. `pathPrefix` is where the event sits in the request (`/body`, `/batch/3`).
 */
export function normalizeEvent(
  raw: Record<string, unknown>,
  type: EventType,
  index: number,
  defaults: BatchDefaults,
  pathPrefix: string,
): IncomingEvent | Rejection {
  const messageId = typeof raw.messageId === 'string' ? raw.messageId : null;
  const problems: ErrorDetail[] = [];
  if (raw.type !== undefined && raw.type !== type) problems.push({ path: `${pathPrefix}/type`, problem: `must be ${type} here` });

  const userId = optionalId(raw.userId, `${pathPrefix}/userId`, problems);
  const anonymousId = optionalId(raw.anonymousId, `${pathPrefix}/anonymousId`, problems);
  if (userId === null && anonymousId === null && problems.length === 0) {
    problems.push({ path: `${pathPrefix}/userId`, problem: 'a userId or an anonymousId is required' });
  }
  const name = storedName(raw, type, pathPrefix, problems);
  const occurredAt = occurredAtOf(raw, defaults, pathPrefix, problems);
  if (problems.length > 0 || occurredAt === null) {
    return reject(index, messageId, problems.map((p) => `${p.path} ${p.problem}`).join('; '), problems);
  }

  const eventId = newId('event');
  return {
    index,
    eventId,
    // Like Segment's own servers, a message without an id gets one (it cannot be deduplicated).
    messageId: messageId ?? eventId,
    type,
    name,
    userId,
    anonymousId,
    properties: propertiesOf(raw, type),
    traits: type === 'identify' || type === 'group' ? objectOr(raw.traits) : {},
    context: { ...objectOr(defaults.context), ...objectOr(raw.context) },
    occurredAt,
  };
}

function optionalId(raw: unknown, path: string, problems: ErrorDetail[]): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const id = idText(raw);
  if (id === null) problems.push({ path, problem: `must be 1 to ${MAX_IDENTITY_LENGTH} characters` });
  return id;
}

function storedName(raw: Record<string, unknown>, type: EventType, pathPrefix: string, problems: ErrorDetail[]): string | null {
  switch (type) {
    case 'track':
      return String(raw.event);
    case 'page':
    case 'screen':
      return typeof raw.name === 'string' && raw.name !== '' ? raw.name : null;
    case 'alias':
    case 'group': {
      const field = type === 'alias' ? 'previousId' : 'groupId';
      const id = idText(raw[field]);
      if (id === null) problems.push({ path: `${pathPrefix}/${field}`, problem: `must be 1 to ${MAX_IDENTITY_LENGTH} characters` });
      return id;
    }
    default:
      return null;
  }
}

/** Page and screen calls carry their category beside the name; it is kept with the properties. */
function propertiesOf(raw: Record<string, unknown>, type: EventType): Record<string, unknown> {
  const properties = objectOr(raw.properties);
  if ((type === 'page' || type === 'screen') && typeof raw.category === 'string' && properties.category === undefined) {
    return { ...properties, category: raw.category };
  }
  return properties;
}

/**
 * When the event happened. The client's time (`timestamp`, else `originalTimestamp`) is taken
 * as is, unless the client also says when it sent the event (`sentAt`): then, as Segment does,
 * its clock is corrected by the difference between its `sentAt` and our receipt.
 */
function occurredAtOf(raw: Record<string, unknown>, defaults: BatchDefaults, pathPrefix: string, problems: ErrorDetail[]): Date | null {
  const field = raw.timestamp != null ? 'timestamp' : 'originalTimestamp';
  const client = parseTime(raw[field], `${pathPrefix}/${field}`, problems);
  const sentAtRaw = raw.sentAt ?? defaults.sentAt;
  const sentAt = parseTime(sentAtRaw, raw.sentAt != null ? `${pathPrefix}/sentAt` : '/body/sentAt', problems);
  if (problems.length > 0) return null;
  if (client === undefined) return defaults.receivedAt;
  const at = sentAt === undefined ? client.getTime() : defaults.receivedAt.getTime() - (sentAt.getTime() - client.getTime());
  if (at < EARLIEST || at > LATEST) {
    problems.push({ path: `${pathPrefix}/${field}`, problem: 'must be between 1970 and 9999' });
    return null;
  }
  return new Date(at);
}

function parseTime(raw: unknown, path: string, problems: ErrorDetail[]): Date | undefined {
  if (raw === undefined || raw === null) return undefined;
  const ms = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    problems.push({ path, problem: 'must be an ISO 8601 date and time' });
    return undefined;
  }
  return new Date(ms);
}

function objectOr(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function reject(index: number, messageId: string | null, message: string, details: ErrorDetail[]): Rejection {
  return { index, messageId, code: 'validation_failed', message, ...(details.length > 0 ? { details } : {}) };
}

function ajvDetails(errors: Partial<ErrorObject>[], prefix: string): ErrorDetail[] {
  const seen = new Set<string>();
  return errors
    // A union reports every branch it tried; the branch errors say what is wrong.
    .filter((e) => e.keyword !== 'anyOf')
    .map((e) => {
      const missing = e.keyword === 'required' ? `/${(e.params as { missingProperty?: string }).missingProperty}` : '';
      return { path: `${prefix}${e.instancePath ?? ''}${missing}`, problem: e.keyword === 'required' ? 'is required' : (e.message ?? 'is not valid') };
    })
    .filter((d) => {
      const key = `${d.path} ${d.problem}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

export function isRejection(value: IncomingEvent | Rejection): value is Rejection {
  return 'code' in value;
}
