// The county benchmark's own pieces: the arrival curve puts the stated share in the first minute
// and nobody after the window, the same seed gives the same schedule, the peak counter counts a
// one-second window, and the county clock stands still, then runs at its scale.
import { describe, expect, it } from 'vitest';
import { arrivalOffsets, decayRate, peakPerSecond } from '../../bench/arrivals.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { CountyClock } from '../../bench/county-clock.ts';

const CURVE = { firstMinuteShare: 0.6, windowS: 300 };

describe('arrival curve', () => {
  it('puts 60% in the first minute and every answer inside the window', () => {
    const offsets = arrivalOffsets(20_000, CURVE, seededRandom(1));
    const firstMinute = offsets.filter((t) => t < 60).length / offsets.length;
    expect(firstMinute).toBeGreaterThan(0.58);
    expect(firstMinute).toBeLessThan(0.62);
    expect(offsets[0]).toBeGreaterThanOrEqual(0);
    expect(offsets.at(-1)).toBeLessThan(300);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    // Decays: the second minute has fewer than the first, the fifth fewer than the second.
    const inMinute = (m: number) => offsets.filter((t) => t >= 60 * m && t < 60 * (m + 1)).length;
    expect(inMinute(1)).toBeLessThan(inMinute(0));
    expect(inMinute(4)).toBeLessThan(inMinute(1));
  });

  it('solves the decay rate exactly for the share', () => {
    const l = decayRate(CURVE);
    expect((1 - Math.exp(-60 * l)) / (1 - Math.exp(-300 * l))).toBeCloseTo(0.6, 6);
    expect(decayRate({ firstMinuteShare: 0.9, windowS: 300 })).toBeGreaterThan(l);
  });

  it('gives the same schedule for the same seed and another for another seed', () => {
    expect(arrivalOffsets(100, CURVE, seededRandom(7))).toEqual(arrivalOffsets(100, CURVE, seededRandom(7)));
    expect(arrivalOffsets(100, CURVE, seededRandom(8))).not.toEqual(arrivalOffsets(100, CURVE, seededRandom(7)));
  });

  it('counts the busiest one-second window', () => {
    expect(peakPerSecond([])).toBe(0);
    expect(peakPerSecond([0, 0.5, 0.99, 1.0, 1.2, 5])).toBe(4); // 0.5 … 1.2
    expect(peakPerSecond([0, 1, 2, 3])).toBe(1);
  });
});

describe('county clock', () => {
  it('stands still until run, then runs at its scale', async () => {
    const clock = new CountyClock(Date.parse('2026-12-02T02:00:00Z'), 10);
    expect(clock.now().toISOString()).toBe('2026-12-02T02:00:00.000Z');
    expect(() => clock.realAt(0)).toThrow();
    const real0 = clock.run();
    expect(clock.run()).toBe(real0); // once
    const target = clock.start + 1000; // one bot second: a tenth of a real second
    expect(clock.realAt(target) - real0).toBeCloseTo(100, 6);
    const before = performance.now();
    while (performance.now() - before < 20) {
      // a short busy wait (20 ms real = 200 ms bot); no timers, no sleeps
    }
    const elapsedBot = clock.botMs() - clock.start;
    expect(elapsedBot).toBeGreaterThanOrEqual(200);
    expect(elapsedBot).toBeLessThan((performance.now() - real0) * 10 + 1);
  });
});
