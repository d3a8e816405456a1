import type { Tx } from './db.js';
import { newId } from './ids.js';

/**
 * Records a state change for delivery outside the database (webhooks, later). Always called
 * inside the transaction that makes the change, so the change and its announcement commit or
 * roll back together; delivery reads the outbox afterwards.
 */
export async function writeOutbox(merchantId: string, tx: Tx, eventType: `${string}.${string}`, payload: Record<string, unknown>): Promise<string> {
  const outboxId = newId('outbox');
  await tx
    .insertInto('outbox')
    .values({ merchant_id: merchantId, outbox_id: outboxId, event_type: eventType, payload: JSON.stringify({ id: outboxId, type: eventType, createdAt: new Date().toISOString(), data: payload }) })
    .execute();
  return outboxId;
}
