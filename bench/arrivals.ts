/**
 * When the members of a county answer a question: a truncated exponential arrival curve (a share
 * `firstMinuteShare` of the answers in the first minute, decaying exponentially after, nobody
 * later than `windowS`), drawn with a seeded generator so every run offers the same schedule.
 */

/** The shape of the curve. */
export interface ArrivalCurve {
  /** Share of the answers within the first 60 s (of those within the window), e.g. 0.6. */
  readonly firstMinuteShare: number;
  /** Seconds after the question within which every answer arrives (e.g. 300). */
  readonly windowS: number;
}

/**
 * The decay rate (per second) of an exponential truncated at `windowS` that puts
 * `firstMinuteShare` of its mass in the first minute: solves (1 − e^(−60λ)) / (1 − e^(−Wλ)) = s
 * by bisection.
 */
export function decayRate(curve: ArrivalCurve): number {
  const share = (l: number) => (1 - Math.exp(-60 * l)) / (1 - Math.exp(-curve.windowS * l));
  let lo = 1e-6;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (share(mid) < curve.firstMinuteShare) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** `n` arrival offsets in seconds from the question (0 ≤ t < windowS), sorted. */
export function arrivalOffsets(n: number, curve: ArrivalCurve, random: () => number): number[] {
  const l = decayRate(curve);
  const mass = 1 - Math.exp(-l * curve.windowS);
  const out = Array.from({ length: n }, () => -Math.log(1 - random() * mass) / l);
  return out.sort((a, b) => a - b);
}

/** The largest number of offsets (seconds) within any one-second window starting at an offset. */
export function peakPerSecond(sortedOffsets: readonly number[]): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < sortedOffsets.length; i++) {
    while (sortedOffsets[i]! - sortedOffsets[j]! >= 1) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
