import { describe, expect, it } from 'vitest';
import { identityKeyString, type IdentityKey } from './identities.js';
import { isSettled, planStitch, type KnownState, type Tie } from './plan.js';

const anon = (value: string): IdentityKey => ({ kind: 'anonymous', value });
const user = (value: string): IdentityKey => ({ kind: 'user', value });
const tie = (...identities: IdentityKey[]): Tie => ({ identities, reason: identities.map((i) => i.value).join('+'), actor: 'test' });

function known(owners: [IdentityKey, string][], ages: Record<string, number>): KnownState {
  return {
    owners: new Map(owners.map(([key, member]) => [identityKeyString(key), member])),
    members: new Map(Object.entries(ages).map(([memberId, t]) => [memberId, { memberId, createdAt: new Date(t) }])),
  };
}

function ids() {
  let n = 0;
  return () => `mbr_new${++n}`;
}

describe('planStitch', () => {
  it('creates one member for identities seen for the first time together', () => {
    const plan = planStitch([tie(anon('v1'), user('u1'))], known([], {}), ids(), new Date(0));
    expect(plan.newMembers.map((m) => m.memberId)).toEqual(['mbr_new1']);
    expect(plan.newIdentities).toEqual([
      { kind: 'anonymous', value: 'v1', memberId: 'mbr_new1' },
      { kind: 'user', value: 'u1', memberId: 'mbr_new1' },
    ]);
    expect(plan.tieMembers).toEqual(['mbr_new1']);
    expect([...plan.touchesToRecompute]).toEqual(['mbr_new1']);
  });

  it('adds a new identity to the member that holds the other', () => {
    const plan = planStitch([tie(anon('v2'), user('u1'))], known([[user('u1'), 'mbr_a']], { mbr_a: 1 }), ids(), new Date(5));
    expect(plan.newMembers).toEqual([]);
    expect(plan.newIdentities).toEqual([{ kind: 'anonymous', value: 'v2', memberId: 'mbr_a' }]);
    expect(plan.merges).toEqual([]);
  });

  it('merges two members into the older one, with the reason of the tie that joined them', () => {
    const state = known([[anon('v1'), 'mbr_b'], [user('u1'), 'mbr_a']], { mbr_a: 10, mbr_b: 5 });
    const plan = planStitch([tie(anon('v1'), user('u1'))], state, ids(), new Date(20));
    expect(plan.merges).toEqual([{ survivorId: 'mbr_b', mergedId: 'mbr_a', reason: 'v1+u1', actor: 'test' }]);
    expect(plan.tieMembers).toEqual(['mbr_b']);
  });

  it('breaks a tie of creation times by id', () => {
    const state = known([[anon('v1'), 'mbr_z'], [anon('v2'), 'mbr_y']], { mbr_z: 1, mbr_y: 1 });
    const plan = planStitch([tie(anon('v1'), anon('v2'))], state, ids(), new Date(2));
    expect(plan.merges.map((m) => [m.survivorId, m.mergedId])).toEqual([['mbr_y', 'mbr_z']]);
  });

  it('settles a three-way chain in one batch: one survivor, every merge recorded once', () => {
    const state = known(
      [
        [anon('v1'), 'mbr_1'],
        [anon('v2'), 'mbr_2'],
        [anon('v3'), 'mbr_3'],
      ],
      { mbr_1: 3, mbr_2: 1, mbr_3: 2 },
    );
    const plan = planStitch([tie(anon('v1'), user('u')), tie(user('u'), anon('v3')), tie(anon('v2'), user('u'))], state, ids(), new Date(9));
    expect(plan.tieMembers).toEqual(['mbr_2', 'mbr_2', 'mbr_2']);
    expect(plan.merges.map((m) => [m.mergedId, m.reason])).toEqual([
      ['mbr_3', 'u+v3'],
      ['mbr_1', 'u+v3'],
    ]);
    expect(plan.newMembers).toEqual([]);
    expect(plan.newIdentities).toEqual([{ kind: 'user', value: 'u', memberId: 'mbr_2' }]);
  });

  it('never writes a member that a later tie in the same batch would merge away', () => {
    const plan = planStitch([tie(anon('v1')), tie(anon('v2')), tie(anon('v1'), anon('v2'))], known([], {}), ids(), new Date(0));
    expect(plan.newMembers).toHaveLength(1);
    expect(plan.merges).toEqual([]);
    expect(new Set(plan.tieMembers).size).toBe(1);
  });

  it('combines traits in tie order onto the final member', () => {
    const ties: Tie[] = [
      { ...tie(user('u')), traits: { name: 'A', plan: 'basic' } },
      { ...tie(user('u')), traits: { name: 'B' } },
    ];
    const plan = planStitch(ties, known([[user('u'), 'mbr_a']], { mbr_a: 1 }), ids(), new Date(2));
    expect(plan.traits.get('mbr_a')).toEqual({ name: 'B', plan: 'basic' });
  });
});

describe('isSettled', () => {
  it('is true only when every identity is known and each tie stays within one member', () => {
    const state = known([[anon('v1'), 'mbr_a'], [user('u1'), 'mbr_a'], [user('u2'), 'mbr_b']], { mbr_a: 1, mbr_b: 2 });
    expect(isSettled([tie(anon('v1'), user('u1'))], state)).toBe(true);
    expect(isSettled([tie(anon('v1'), user('u2'))], state)).toBe(false);
    expect(isSettled([tie(anon('v9'))], state)).toBe(false);
    expect(isSettled([{ ...tie(user('u1')), traits: { name: 'x' } }], state)).toBe(false);
  });
});
