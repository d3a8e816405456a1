import { describe, expect, it } from 'vitest';
import { checkBatchItem, isRejection, type IncomingEvent } from './validate.js';

const receivedAt = new Date('2026-03-01T12:00:00.000Z');

function ok(raw: unknown, defaults: { sentAt?: string; context?: Record<string, unknown> } = {}): IncomingEvent {
  const result = checkBatchItem(raw, 0, { receivedAt, ...defaults });
  if (isRejection(result)) throw new Error(result.message);
  return result;
}

describe('batch items', () => {
  it('takes the client time as is, or corrects it by sentAt like Segment', () => {
    expect(ok({ type: 'track', userId: 'u', event: 'E', timestamp: '2026-02-01T00:00:00Z' }).occurredAt.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    // The client's clock runs 10 minutes fast: sentAt is 12:10 by its clock when we received it at 12:00.
    const skewed = ok({ type: 'track', userId: 'u', event: 'E', timestamp: '2026-03-01T12:05:00Z' }, { sentAt: '2026-03-01T12:10:00Z' });
    expect(skewed.occurredAt.toISOString()).toBe('2026-03-01T11:55:00.000Z');
    expect(ok({ type: 'track', userId: 'u', event: 'E' }).occurredAt).toEqual(receivedAt);
    expect(ok({ type: 'page', anonymousId: 'a', originalTimestamp: '2026-02-02T00:00:00Z' }).occurredAt.toISOString()).toBe('2026-02-02T00:00:00.000Z');
  });

  it('stores what each type names, numbers as ids, and the batch context under the event context', () => {
    const e = ok({ type: 'group', userId: 42, groupId: 'g1', traits: { plan: 'pro' }, context: { ip: 'x' } }, { context: { library: { name: 'l' }, ip: 'y' } });
    expect(e).toMatchObject({ userId: '42', name: 'g1', traits: { plan: 'pro' }, context: { library: { name: 'l' }, ip: 'x' } });
    expect(ok({ type: 'page', anonymousId: 'a', name: 'Home', category: 'Docs' }).properties).toEqual({ category: 'Docs' });
    expect(ok({ type: 'alias', userId: 'u2', previousId: 'u1' }).name).toBe('u1');
    expect(ok({ type: 'track', userId: 'u', event: 'E', messageId: 'm-1' }).messageId).toBe('m-1');
    expect(ok({ type: 'track', userId: 'u', event: 'E' }).messageId).toMatch(/^evt_/);
  });

  it.each([
    ['no id', { type: 'track', event: 'E' }, '/batch/0/userId'],
    ['an empty anonymousId and no userId', { type: 'track', anonymousId: '', event: 'E' }, '/batch/0/userId'],
    ['an unknown type', { type: 'purchase', userId: 'u' }, '/batch/0/type'],
    ['a track without event', { type: 'track', userId: 'u' }, '/batch/0/event'],
    ['an alias without previousId', { type: 'alias', userId: 'u' }, '/batch/0/previousId'],
    ['a bad timestamp', { type: 'track', userId: 'u', event: 'E', timestamp: 'yesterday' }, '/batch/0/timestamp'],
    ['an object userId', { type: 'track', userId: { id: 1 }, event: 'E' }, '/batch/0/userId'],
    ['properties that are a list', { type: 'track', userId: 'u', event: 'E', properties: [1] }, '/batch/0/properties'],
  ])('rejects %s', (_label, raw, path) => {
    const result = checkBatchItem(raw, 0, { receivedAt });
    expect(isRejection(result)).toBe(true);
    expect(isRejection(result) && result.code).toBe('validation_failed');
    expect(isRejection(result) && result.details?.map((d) => d.path)).toContain(path);
  });

  it('rejects what PostgreSQL cannot store, but not an escaped backslash', () => {
    expect(isRejection(checkBatchItem({ type: 'track', userId: 'u', event: 'a\u0000b' }, 0, { receivedAt }))).toBe(true);
    expect(isRejection(checkBatchItem({ type: 'track', userId: 'u', event: 'a\ud800b' }, 0, { receivedAt }))).toBe(true);
    expect(isRejection(checkBatchItem({ type: 'track', userId: 'u', event: 'a\\u0000b 😀' }, 0, { receivedAt }))).toBe(false);
  });

  it('rejects an event over 32 KB as payload_too_large', () => {
    const result = checkBatchItem({ type: 'track', userId: 'u', event: 'E', messageId: 'big', properties: { blob: 'x'.repeat(33 * 1024) } }, 4, { receivedAt });
    expect(result).toMatchObject({ index: 4, messageId: 'big', code: 'payload_too_large' });
  });
});
