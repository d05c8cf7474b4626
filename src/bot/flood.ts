/**
 * Flood control: at most `perWindow` commands per person in any `windowMs` (a sliding window).
 * The first command over the limit gets one "slow down" reply; further ones in the same window get
 * nothing (each reply would itself be a message to send). Counted per instance, in memory: with
 * two instances behind one account each keeps its own count, so a person may reach twice the limit.
 */
import type { Clock } from '../clock.ts';

/** What to do with one command: run it, answer "slow down" once, or drop it silently. */
export type FloodVerdict = 'run' | 'warn' | 'drop';




/** People tracked before idle ones are forgotten (memory stays bounded). */
const MAX_PEOPLE = 10_000;

/** Counts each person's recent commands; see the file comment. */
export class CommandFlood {
  private readonly times = new Map<string, number[]>();
  private readonly warnedAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    readonly limit: { readonly perWindow: number; readonly windowMs: number },
  ) {}

  /** Counts a command by `person` (platform and user id) now; says whether it may run. */
  check(person: string): FloodVerdict {
    const now = this.clock.now().getTime();
    const cutoff = now - this.limit.windowMs;
    const recent = (this.times.get(person) ?? []).filter((t) => t > cutoff);
    if (recent.length < this.limit.perWindow) {
      recent.push(now);
      this.remember(person, recent, now);
      return 'run';
    }
    const warned = this.warnedAt.get(person);
    if (warned !== undefined && warned > cutoff) return 'drop';
    this.warnedAt.set(person, now);
    return 'warn';
  }

  /** Whole seconds until `person` may send a command again. */
  secondsUntilFree(person: string): number {
    const oldest = this.times.get(person)?.[0];
    if (oldest === undefined) return 0;
    return Math.max(1, Math.ceil((oldest + this.limit.windowMs - this.clock.now().getTime()) / 1000));
  }

  private remember(person: string, recent: number[], now: number): void {
    this.times.set(person, recent);
    if (this.times.size <= MAX_PEOPLE) return;
    for (const [p, ts] of this.times) {
      if (ts[ts.length - 1]! <= now - this.limit.windowMs) {
        this.times.delete(p);
        this.warnedAt.delete(p);
      }
    }
  }
}
