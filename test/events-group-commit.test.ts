import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestQueue } from '../src/events/ingest-queue.js';
import { checkBatchItem, isRejection, type IncomingEvent } from '../src/events/validate.js';
import { inTenant } from '../src/platform/db.js';
import { createTestApp, newMerchant, type SignedInOwner, type TestApp } from './helpers.js';

/*
 * /v1 requests that arrive together are written in one transaction (IngestQueue). What a
 * client relies on must not change: each answer counts its own events, a messageId is stored
 * once whoever sent it, and one request's failure is not another's.
 */

let t: TestApp;
let owner: SignedInOwner;
let pk: string;

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });

beforeAll(async () => {
  t = await createTestApp();
  owner = await newMerchant(t);
  const res = await t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: owner.cookie }, payload: { kind: 'publishable', name: 'Website' } });
  pk = res.json().token;
});
afterAll(async () => t.close());

async function storedMessageIds(merchantId: string): Promise<string[]> {
  const rows = await inTenant(t.database.handle.db, merchantId, (tx) => tx.selectFrom('events').select('message_id').where('merchant_id', '=', merchantId).execute());
  return rows.map((r) => r.message_id).sort();
}

function incoming(messageId: string, anonymousId: string, type = 'track'): IncomingEvent {
  const checked = checkBatchItem({ type, event: 'Viewed', anonymousId, messageId }, 0, { context: undefined, sentAt: undefined, receivedAt: new Date() });
  if (isRejection(checked)) throw new Error(`test event invalid: ${checked.message}`);
  return checked;
}

describe('group commit of /v1 requests', () => {
  it('concurrent batches with overlapping messageIds: each id stored once, each answer adds up to its own events', async () => {
    // 12 requests of 30 events; request r carries ids r*20 … r*20+29, so neighbours share 10.
    // On PostgreSQL two transactions in flight at once can both find an id new; the second then
    // fails on the unique key when the first commits, and is run again (seen in this test).
    const requests = Array.from({ length: 12 }, (_, r) =>
      Array.from({ length: 30 }, (_, i) => ({ type: 'track', event: 'Viewed', anonymousId: `vis_group_${r}`, messageId: `group-${r * 20 + i}` })),
    );
    const answers = await Promise.all(
      requests.map((batch) => t.app.inject({ method: 'POST', url: '/v1/batch', headers: basic(pk), payload: { batch } })),
    );
    const distinct = new Set(requests.flat().map((e) => e.messageId));
    for (const [r, res] of answers.entries()) {
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.accepted + body.duplicates).toBe(requests[r]!.length);
      expect(body.rejected).toEqual([]);
    }
    expect(answers.reduce((n, res) => n + res.json().accepted, 0)).toBe(distinct.size);
    const stored = (await storedMessageIds(owner.merchantId)).filter((id) => id.startsWith('group-'));
    expect(stored).toEqual([...distinct].sort());

    // Sent again, all of them: nothing new, every event a duplicate.
    const again = await Promise.all(requests.map((batch) => t.app.inject({ method: 'POST', url: '/v1/batch', headers: basic(pk), payload: { batch } })));
    expect(again.map((res) => res.json().accepted)).toEqual(requests.map(() => 0));
  });

  it('a request the database refuses fails alone; the requests grouped with it are stored', async () => {
    const merchant = await newMerchant(t, 'Queue Shop');
    // One writer at a time, so the requests below wait together and form one group.
    const queue = new IngestQueue(t.database.handle.db, { maxInFlight: 1 });
    const first = queue.submit(merchant.merchantId, [incoming('q-0', 'vis_q0')]);
    // A type the events table does not allow: checked by the database, not by validation here.
    const bad = { ...incoming('q-bad', 'vis_qbad'), type: 'teleport' } as unknown as IncomingEvent;
    const grouped = [
      queue.submit(merchant.merchantId, [incoming('q-1', 'vis_q1')]),
      queue.submit(merchant.merchantId, [bad]),
      queue.submit(merchant.merchantId, [incoming('q-2', 'vis_q2'), incoming('q-1', 'vis_q1')]),
    ];
    const settled = await Promise.allSettled([first, ...grouped]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : null))).toEqual([
      { accepted: 1, duplicates: 0 },
      { accepted: 1, duplicates: 0 },
      null,
      { accepted: 1, duplicates: 1 },
    ]);
    expect(await storedMessageIds(merchant.merchantId)).toEqual(['q-0', 'q-1', 'q-2']);
  });
});
