import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/outbox/rate-limiter.ts';

const telegram = { globalPerSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20 };

/** Sends greedily for `ms` of simulated time, 1 ms steps, over `chats`; returns send times per chat. */
function simulate(limiter: RateLimiter, chats: string[], ms: number, isGroup = true): Map<string, number[]> {
  const sent = new Map<string, number[]>(chats.map((c) => [c, []]));
  for (let t = 0; t < ms; t++) {
    for (const c of chats) {
      if (limiter.waitMs(c, isGroup, t) === 0) {
        limiter.record(c, isGroup, t);
        sent.get(c)!.push(t);
      }
    }
  }
  return sent;
}

describe('RateLimiter', () => {
  it('a record taken back (another instance leased the message first) frees its share of every window', () => {
    const limiter = new RateLimiter(telegram);
    limiter.record('g1', true, 0);
    const undo = limiter.record('g1', true, 1000);
    for (let i = 0; i < 29; i++) limiter.record(`c${i}`, false, 1000);
    expect(limiter.waitMs('g1', true, 1500)).toBe(500); // one second after its last send
    expect(limiter.waitMs('c99', false, 1500)).toBe(500); // the overall 30 a second are used up
    undo();
    expect(limiter.waitMs('c99', false, 1500)).toBe(0);
    expect(limiter.waitMs('g1', true, 1500)).toBe(0);
    expect(limiter.waitMs('g1', true, 500)).toBe(500); // its previous send (at 0) counts again
  });

  it('keeps one chat at one message a second and 20 a minute', () => {
    const sent = simulate(new RateLimiter(telegram), ['g1'], 120_000).get('g1')!;
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(1000);
    for (let i = 20; i < sent.length; i++) expect(sent[i]! - sent[i - 20]!).toBeGreaterThanOrEqual(60_000);
    expect(sent.length).toBe(40); // 20 in each of two minutes
  });

  it('keeps the overall rate at 30 a second across many chats', () => {
    const chats = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const all = [...simulate(new RateLimiter(telegram), chats, 5000, false).values()].flat().sort((a, b) => a - b);
    for (let i = 30; i < all.length; i++) expect(all[i]! - all[i - 30]!).toBeGreaterThanOrEqual(1000);
    expect(all.length).toBe(150);
  });

  it('a clock stepped back does not hold chats until it catches up with the sends recorded ahead of it', () => {
    const limiter = new RateLimiter(telegram);
    const year = 365 * 24 * 3600_000;
    for (let i = 0; i < 30; i++) limiter.record(`c${i}`, true, year + i);
    expect(limiter.waitMs('c0', true, year + 30)).toBeGreaterThan(0);
    expect(limiter.waitMs('c0', true, 0)).toBe(0);
    limiter.record('c0', true, 0);
    expect(limiter.waitMs('c0', true, 1)).toBe(999);
  });

  it('private chats are not held to the per-group minute limit', () => {
    const sent = simulate(new RateLimiter(telegram), ['p1'], 60_000, false).get('p1')!;
    expect(sent.length).toBe(60);
  });

  it('a fractional global rate spaces messages out (WeChat pacing)', () => {
    const sent = [...simulate(new RateLimiter({ globalPerSecond: 0.5, perChatIntervalMs: 2000, perGroupPerMinute: 20 }), ['a', 'b'], 10_000).values()]
      .flat()
      .sort((x, y) => x - y);
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(2000);
    expect(sent.length).toBe(5);
  });

  it('a time scale shrinks every window', () => {
    const sent = simulate(new RateLimiter(telegram, 100), ['g1'], 1200).get('g1')!;
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(10);
    for (let i = 20; i < sent.length; i++) expect(sent[i]! - sent[i - 20]!).toBeGreaterThanOrEqual(600);
    expect(sent.length).toBe(40);
  });

  it('a share keeps 1/n of the overall rate; drainAt says when earlier sends fit the share', () => {
    const limiter = new RateLimiter(telegram);
    for (let i = 0; i < 30; i++) limiter.record(`c${i}`, false, i * 10);
    limiter.setShare(2);
    expect(limiter.instances).toBe(2);
    // 30 sent in the last second, 15 allowed: the oldest 15 must leave the window first.
    expect(limiter.drainAt(300)).toBe(140 + 1000);
    // From then on its window holds its share (15), so its own next send waits for the 16th oldest.
    expect(limiter.waitMs('new', false, 1140)).toBe(10);
    expect(limiter.waitMs('new', false, 1150)).toBe(0);
    limiter.setShare(1);
    expect(limiter.drainAt(300)).toBe(0);
    const sent = simulate(new RateLimiter(telegram), Array.from({ length: 60 }, (_, i) => `g${i}`), 10_000);
    const shared = new RateLimiter(telegram);
    shared.setShare(3);
    const third = simulate(shared, Array.from({ length: 60 }, (_, i) => `g${i}`), 10_000);
    const total = (m: Map<string, number[]>) => [...m.values()].reduce((a, t) => a + t.length, 0);
    expect(total(sent)).toBe(300);
    expect(total(third)).toBe(100);
  });

  it("seeded sends (another instance's) hold a chat's interval and a group's minute, not the overall rate", () => {
    const limiter = new RateLimiter(telegram);
    limiter.seed('g1', true, Array.from({ length: 20 }, (_, i) => 1000 + i * 1500));
    expect(limiter.waitMs('g1', true, 30_000)).toBe(61_000 - 30_000); // the minute's 20 are used: the first leaves at 61 s
    limiter.seed('p1', false, [29_500]);
    expect(limiter.waitMs('p1', false, 30_000)).toBe(500);
    expect(limiter.waitMs('other', false, 30_000)).toBe(0);
  });

  it('a send restamped to when it went out counts from then in every window', () => {
    const limiter = new RateLimiter(telegram);
    for (let i = 0; i < 29; i++) limiter.record(`c${i}`, false, 0);
    limiter.record('g1', true, 0);
    limiter.restamp('g1', true, 0, 400); // chosen at 0, sent at 400 (a slow pass under load)
    expect(limiter.waitMs('g1', true, 1000)).toBe(400); // one second after it went out
    expect(limiter.waitMs('g1', true, 1400)).toBe(0);
    limiter.record('late', false, 500);
    limiter.restamp('late', false, 500, 300); // (never earlier than chosen: ignored)
    expect(limiter.waitMs('late', false, 1400)).toBe(100);
  });
});
