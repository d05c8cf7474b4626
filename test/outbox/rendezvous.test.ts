// Rendezvous hashing (src/outbox/rendezvous.ts): the same owner for a chat whatever the order of
// the ids, about 1/n of the chats each, and a join or a leave moves only the chats it must.
import { expect, it } from 'vitest';
import { OwnerMap, ownerOf } from '../../src/outbox/rendezvous.ts';

const chats = Array.from({ length: 3000 }, (_, i) => `console\u0000group-${i}`);

it('spreads chats evenly and agrees whatever the order of the ids', () => {
  const counts = new Map<string, number>();
  for (const c of chats) {
    const owner = ownerOf(c, ['x', 'y', 'z'])!;
    expect(ownerOf(c, ['z', 'x', 'y'])).toBe(owner);
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  for (const id of ['x', 'y', 'z']) expect(counts.get(id)!).toBeGreaterThan(900);
  expect(ownerOf('any', [])).toBeUndefined();
});

it('a join moves chats only to the newcomer, a leave only away from the one that left', () => {
  const before = new OwnerMap(['x', 'y']);
  const joined = new OwnerMap(['x', 'y', 'z']);
  let moved = 0;
  for (const c of chats) {
    if (joined.owner(c) !== before.owner(c)) {
      expect(joined.owner(c)).toBe('z');
      moved++;
    }
    if (before.owner(c) === 'y') expect(ownerOf(c, ['x'])).toBe('x');
    else expect(ownerOf(c, ['x'])).toBe(before.owner(c));
  }
  expect(moved).toBeGreaterThan(chats.length / 4);
  expect(moved).toBeLessThan(chats.length / 2.5);
});
