import { findMerchant } from '../merchants/queries.js';
import { describeIdentity, externalIdentities, identitiesFromTraits, isRecord, type IdentityKey } from '../members/identities.js';
import { findIdKinds } from '../members/queries.js';
import { stitch, type Tie } from '../members/stitch.js';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import type { IdentityKind } from '../platform/schema.js';
import { AppError } from '../platform/errors.js';
import { findStoredMessageIds, insertEvents } from './queries.js';
import type { IncomingEvent } from './validate.js';

export interface IngestOutcome {
  accepted: number;
  duplicates: number;
}

/**
 * Stores valid events and files each under its member, all in one transaction: the caller
 * answers only after it committed. An event whose messageId is already stored (earlier, or
 * earlier in the same request) is counted as a duplicate and changes nothing.
 */
export async function ingest(db: Db, merchantId: string, events: IncomingEvent[]): Promise<IngestOutcome> {
  const [outcome] = await ingestGroups(db, merchantId, [events]);
  return outcome!;
}

/**
 * Several requests' events in one transaction (see IngestQueue), with an outcome per request.
 * Across requests the first occurrence of a messageId wins, as it would one after the other.
 */
export async function ingestGroups(db: Db, merchantId: string, groups: IncomingEvent[][]): Promise<IngestOutcome[]> {
  const unique = firstOfEachMessage(groups.flat());
  const inserted = unique.length === 0 ? new Set<string>() : await inTenant(db, merchantId, async (tx) => {
    // The INSERT leaves out messageIds already stored. Only an identify needs to be known as a
    // duplicate before stitching: an old one sent again must not bring back traits a newer one
    // replaced. Any other event ties only identities its first delivery already tied, so
    // stitching it again changes nothing.
    const identifies = unique.filter((e) => e.type === 'identify').map((e) => e.messageId);
    const stored = identifies.length === 0 ? new Set<string>() : await findStoredMessageIds(merchantId, tx, identifies);
    const candidates = stored.size === 0 ? unique : unique.filter((e) => !stored.has(e.messageId));
    if (candidates.length === 0) return new Set<string>();
    const ties = await tiesOf(merchantId, tx, candidates);
    const memberIds = await stitch(merchantId, tx, ties);
    return insertEvents(merchantId, tx, candidates, memberIds);
  });
  // Each stored messageId is credited to the first event that carried it.
  const credited = new Set<string>();
  return groups.map((events) => {
    let accepted = 0;
    for (const e of events) {
      if (inserted.has(e.messageId) && !credited.has(e.messageId)) {
        credited.add(e.messageId);
        accepted++;
      }
    }
    return { accepted, duplicates: events.length - accepted };
  });
}

function firstOfEachMessage(events: IncomingEvent[]): IncomingEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    if (seen.has(e.messageId)) return false;
    seen.add(e.messageId);
    return true;
  });
}

/** What each event says about who is who (docs/members.md lists the rules). */
async function tiesOf(merchantId: string, tx: Tx, events: IncomingEvent[]): Promise<Tie[]> {
  // The phone region matters only to identify traits; most batches have none.
  const region = events.some((e) => e.type === 'identify') ? await defaultRegion(merchantId, tx) : '';
  const previousKinds = await previousIdKinds(merchantId, tx, events);
  return events.map((e) => {
    const identities: IdentityKey[] = [];
    if (e.anonymousId !== null) identities.push({ kind: 'anonymous', value: e.anonymousId });
    if (e.userId !== null) identities.push({ kind: 'user', value: e.userId });
    if (e.type === 'alias' && e.name !== null) identities.push(...previousIdentities(e.name, previousKinds));
    if (e.type === 'identify') identities.push(...identitiesFromTraits(e.traits, region));
    identities.push(...externalIdentities(isRecord(e.context) ? e.context.externalIds : undefined));
    return {
      identities,
      ...(e.type === 'identify' ? { traits: e.traits } : {}),
      reason: `${e.type} ${identities.map(describeIdentity).join(' ')}`,
      actor: `event:${e.eventId}`,
    };
  });
}

async function defaultRegion(merchantId: string, tx: Tx): Promise<string> {
  const merchant = await findMerchant(merchantId, tx);
  if (!merchant) throw new AppError('not_found');
  return merchant.default_region;
}

/**
 * Segment's alias names the person's earlier id in `previousId`, which may have been a userId
 * or an anonymousId. A value already known as one of them is that. An unknown one is filed as
 * both: clients deliver batches concurrently, so the identify that introduces a userId may
 * arrive after the alias that refers to it, and whichever kind it turns out to be, the later
 * event then finds this person. (A userId and an anonymousId with the same text are taken to
 * be the same person; in practice anonymous ids are random and never collide with user ids.)
 */
async function previousIdKinds(merchantId: string, tx: Tx, events: IncomingEvent[]): Promise<Map<string, IdentityKind[]>> {
  const previous = events.filter((e) => e.type === 'alias' && e.name !== null).map((e) => e.name!);
  const kinds = new Map<string, IdentityKind[]>();
  for (const { kind, value } of await findIdKinds(merchantId, tx, previous)) kinds.set(value, [...(kinds.get(value) ?? []), kind]);
  return kinds;
}

function previousIdentities(previousId: string, known: Map<string, IdentityKind[]>): IdentityKey[] {
  const kinds = known.get(previousId) ?? (['user', 'anonymous'] as const);
  return kinds.map((kind) => ({ kind, value: previousId }));
}
