import { Type, type Static, type TSchema } from 'typebox';
import type { EventType } from '../platform/schema.js';

/**
 * Request and response shapes of the Segment-compatible tracking API. Unlike the management
 * API, unknown top-level fields are accepted: Segment's clients send fields of their own
 * (`_metadata`, `writeKey`, `sentAt`, `channel`, `version`, …) and must work unchanged. Only
 * the fields listed here are stored.
 */

export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'alias', 'group'] as const satisfies readonly EventType[];

/** Segment's limits: one event at most 32 KB, one batch at most 500 KB (after decompression). */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

const IdValue = Type.Union([Type.String({ maxLength: 300 }), Type.Number()]);
const nullableId = (description: string) => Type.Union([Type.String({ maxLength: 300 }), Type.Number(), Type.Null()], { description });
const time = (description = 'ISO 8601, e.g. `2026-11-21T09:30:00.000Z`') => Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description });
const freeObject = (description?: string) =>
  Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], description ? { description } : {});

const common = {
  type: Type.Optional(Type.String({ maxLength: 20 })),
  userId: Type.Optional(nullableId('Your id of the person (a userId or an anonymousId is required).')),
  anonymousId: Type.Optional(nullableId('A device or visitor id, e.g. the `rsv_vid` visitor id from a short link.')),
  messageId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Unique per event; a repeat is stored once. Generated when absent.' })),
  timestamp: Type.Optional(time('When it happened (default: when received).')),
  originalTimestamp: Type.Optional(time()),
  sentAt: Type.Optional(time("When the client sent it; corrects the client's clock.")),
  context: Type.Optional(freeObject()),
  integrations: Type.Optional(freeObject()),
};
const FreeObject = freeObject();

const open = { additionalProperties: true } as const;

export const TrackEvent = Type.Object(
  { ...common, event: Type.String({ minLength: 1, maxLength: 200, description: 'The name of the action, e.g. `Order Completed`.' }), properties: Type.Optional(FreeObject) },
  open,
);
export const IdentifyEvent = Type.Object({ ...common, traits: Type.Optional(FreeObject) }, open);
export const PageEvent = Type.Object(
  {
    ...common,
    name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    category: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    properties: Type.Optional(FreeObject),
  },
  open,
);
export const ScreenEvent = PageEvent;
export const AliasEvent = Type.Object({ ...common, previousId: IdValue }, open);
export const GroupEvent = Type.Object({ ...common, groupId: IdValue, traits: Type.Optional(FreeObject) }, open);

export const eventSchemas: Record<EventType, TSchema> = {
  track: TrackEvent,
  identify: IdentifyEvent,
  page: PageEvent,
  screen: ScreenEvent,
  alias: AliasEvent,
  group: GroupEvent,
};

export const BatchBody = Type.Object(
  {
    batch: Type.Array(Type.Object({ type: Type.String() }, open), { description: 'Events, each with its `type`.' }),
    context: Type.Optional(freeObject("Merged under every event's own context.")),
    integrations: Type.Optional(FreeObject),
    sentAt: Type.Optional(time()),
    writeKey: Type.Optional(Type.String()),
  },
  open,
);
export type BatchBody = Static<typeof BatchBody>;

export const Rejection = Type.Object({
  index: Type.Integer({ description: 'Position in `batch` (0 for a single event).' }),
  messageId: Type.Union([Type.String(), Type.Null()]),
  code: Type.String({ description: '`validation_failed` or `payload_too_large`' }),
  message: Type.String(),
  details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), problem: Type.String() }))),
});
export type Rejection = Static<typeof Rejection>;

export const IngestResponse = Type.Object({
  success: Type.Boolean(),
  accepted: Type.Integer({ description: 'Events stored by this request.' }),
  duplicates: Type.Integer({ description: 'Events whose messageId was already stored (not stored again).' }),
  rejected: Type.Array(Rejection, { description: 'Events not stored, and why.' }),
});
export type IngestResponse = Static<typeof IngestResponse>;
