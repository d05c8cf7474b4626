/**
 * Rendezvous (highest-random-weight) hashing of chats over instances: every instance that knows
 * the same set of instance ids picks the same one for a chat, with no coordination; when an
 * instance joins, only the chats it wins move to it, and when one leaves, only its chats move
 * (each to the instance that scores next highest), so a membership change moves about 1/n of
 * the chats and never moves a chat between two instances that both stay.
 */

/** The instance of `ids` that serves `chatKey` (undefined for no instances). */
export function ownerOf(chatKey: string, ids: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const id of ids) {
    const w = weight(id, chatKey);
    if (w > bestWeight || (w === bestWeight && best !== undefined && id < best)) {
      best = id;
      bestWeight = w;
    }
  }
  return best;
}

/** Chat → owner over one fixed set of ids, remembered (the hash runs once per chat and set). */
export class OwnerMap {
  private readonly owners = new Map<string, string | undefined>();

  /** @param ids the instances, in any order. */
  constructor(readonly ids: readonly string[]) {}

  /** The instance of `ids` that serves `chatKey`. */
  owner(chatKey: string): string | undefined {
    if (this.owners.has(chatKey)) return this.owners.get(chatKey);
    const owner = ownerOf(chatKey, this.ids);
    if (this.owners.size >= MAX_REMEMBERED) this.owners.clear();
    this.owners.set(chatKey, owner);
    return owner;
  }
}

/** Chats an `OwnerMap` remembers before starting over (bounds memory over a long run). */
const MAX_REMEMBERED = 50_000;

/** The weight of `chatKey` at instance `id`: a 53-bit hash of both (cyrb53), well mixed. */
function weight(id: string, chatKey: string): number {
  const s = `${id}\u0000${chatKey}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
