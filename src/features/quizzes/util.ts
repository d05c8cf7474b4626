/**
 * Small pure helpers of the quiz feature: local days in the org time zone (points per day,
 * streaks, review dates) and a seeded shuffle (a quiz's questions and option order are fixed by its
 * id, so a restart renders the same quiz again).
 */

export { addDays, localDateKey as localDay } from '../../bot/time.ts';

/** FNV-1a hash of a string, as an unsigned 32-bit seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic pseudo-random generator (mulberry32) yielding numbers in [0, 1). */
export function seededRandom(seed: string): () => number {
  let a = hashSeed(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A copy of `items` shuffled (Fisher-Yates) by a generator seeded with `seed`: same seed, same order. */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  const out = [...items];
  const rnd = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The identity order 0…n-1. */
export function identityOrder(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
