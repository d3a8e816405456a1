import { identityKeyString, type IdentityKey } from './identities.js';

/**
 * Identities that one fact ties to one person: an identify call, an alias, an event carrying
 * both a userId and an anonymousId, a claim with a verified phone.
 */
export interface Tie {
  /** At least one. */
  identities: IdentityKey[];
  /** Traits to merge into the person's profile (later ties win). */
  traits?: Record<string, unknown>;
  /** Why these identities belong together, e.g. `identify userId=u1 anonymousId=vis_…`. */
  reason: string;
  /** Who said so: `event:evt_…`, `staff:stf_…`. */
  actor: string;
}

/** A live member as the planner needs it: its age decides which member survives a merge. */
export interface KnownMember {
  memberId: string;
  createdAt: Date;
}

export interface KnownState {
  /** identityKeyString → the live member that holds it. */
  owners: Map<string, string>;
  members: Map<string, KnownMember>;
}

export interface Merge {
  survivorId: string;
  mergedId: string;
  reason: string;
  actor: string;
}

export interface StitchPlan {
  /** The member each tie belongs to, after every merge of the plan. */
  tieMembers: string[];
  newMembers: KnownMember[];
  newIdentities: (IdentityKey & { memberId: string })[];
  merges: Merge[];
  /** Traits to merge into each member, already combined in tie order. */
  traits: Map<string, Record<string, unknown>>;
  /** Members that gained an anonymous identity (new or by merge): their touches need a look at clicks. */
  touchesToRecompute: Set<string>;
}

interface Component {
  keys: IdentityKey[];
  existing: Set<string>;
}

/**
 * Decides, without touching the database, what the ties mean for the members: identities
 * joined by a tie belong to one member; a tie that reaches two members merges them into the
 * earliest (created_at, then id). Ties are read as one union-find over identities, so a batch
 * that first creates a member and then ties it to another never writes the short-lived one.
 */
export function planStitch(ties: Tie[], known: KnownState, newMemberId: () => string, now: Date): StitchPlan {
  const uf = new UnionFind<Component>((a, b) => ({ keys: [...a.keys, ...b.keys], existing: new Set([...a.existing, ...b.existing]) }));
  /** For each existing member, the first tie that joined it to another member. */
  const joinedBy = new Map<string, number>();

  ties.forEach((tie, index) => {
    const nodes = tie.identities.map((key) => {
      const s = identityKeyString(key);
      if (!uf.has(s)) {
        const owner = known.owners.get(s);
        uf.add(s, { keys: [key], existing: new Set(owner ? [owner] : []) });
      }
      return s;
    });
    for (const node of nodes.slice(1)) {
      const a = uf.get(nodes[0]!);
      const b = uf.get(node);
      if (a !== b && a.existing.size > 0 && b.existing.size > 0) {
        for (const m of [...a.existing, ...b.existing]) if (!joinedBy.has(m)) joinedBy.set(m, index);
      }
      uf.union(nodes[0]!, node);
    }
  });

  const plan: StitchPlan = { tieMembers: [], newMembers: [], newIdentities: [], merges: [], traits: new Map(), touchesToRecompute: new Set() };
  const finalMember = new Map<Component, string>();
  for (const component of uf.roots()) {
    const memberId = settleComponent(component, known, joinedBy, ties, plan, newMemberId, now);
    finalMember.set(component, memberId);
  }

  ties.forEach((tie) => {
    const memberId = finalMember.get(uf.get(identityKeyString(tie.identities[0]!)))!;
    plan.tieMembers.push(memberId);
    if (tie.traits && Object.keys(tie.traits).length > 0) {
      plan.traits.set(memberId, { ...plan.traits.get(memberId), ...tie.traits });
    }
  });
  return plan;
}

/** One group of identities that belong together: pick or create its member, merge the rest into it. */
function settleComponent(
  component: Component,
  known: KnownState,
  joinedBy: Map<string, number>,
  ties: Tie[],
  plan: StitchPlan,
  newMemberId: () => string,
  now: Date,
): string {
  const existing = [...component.existing].map((id) => known.members.get(id)!).sort(byAge);
  let memberId: string;
  if (existing.length === 0) {
    memberId = newMemberId();
    plan.newMembers.push({ memberId, createdAt: now });
  } else {
    memberId = existing[0]!.memberId;
    for (const loser of existing.slice(1)) {
      const tie = ties[joinedBy.get(loser.memberId) ?? 0]!;
      plan.merges.push({ survivorId: memberId, mergedId: loser.memberId, reason: tie.reason, actor: tie.actor });
      plan.touchesToRecompute.add(memberId);
    }
  }
  for (const key of component.keys) {
    if (known.owners.has(identityKeyString(key))) continue;
    plan.newIdentities.push({ ...key, memberId });
    if (key.kind === 'anonymous') plan.touchesToRecompute.add(memberId);
  }
  return memberId;
}

function byAge(a: KnownMember, b: KnownMember): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);
}

/** True when the ties change nothing: every identity is known and each tie stays within one member. */
export function isSettled(ties: Tie[], known: KnownState): boolean {
  return ties.every((tie) => {
    if (tie.traits && Object.keys(tie.traits).length > 0) return false;
    const owners = new Set(tie.identities.map((key) => known.owners.get(identityKeyString(key))));
    return owners.size === 1 && !owners.has(undefined);
  });
}

/** Union-find over string nodes, each root carrying a value that is combined on union. */
class UnionFind<T> {
  readonly #parent = new Map<string, string>();
  readonly #value = new Map<string, T>();
  constructor(private readonly combine: (a: T, b: T) => T) {}

  has(node: string): boolean {
    return this.#parent.has(node);
  }

  add(node: string, value: T): void {
    this.#parent.set(node, node);
    this.#value.set(node, value);
  }

  find(node: string): string {
    let root = node;
    while (this.#parent.get(root) !== root) root = this.#parent.get(root)!;
    // Path compression keeps long chains of ties cheap.
    for (let n = node; n !== root; ) {
      const next = this.#parent.get(n)!;
      this.#parent.set(n, root);
      n = next;
    }
    return root;
  }

  get(node: string): T {
    return this.#value.get(this.find(node))!;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    this.#parent.set(rb, ra);
    this.#value.set(ra, this.combine(this.#value.get(ra)!, this.#value.get(rb)!));
    this.#value.delete(rb);
  }

  roots(): T[] {
    return [...this.#value.values()];
  }
}
