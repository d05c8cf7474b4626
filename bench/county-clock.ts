/**
 * The bot's clock in the county benchmark: stands still while the county is set up (every quiz
 * opens at the same instant), then runs `scale` times faster than real time, so five minutes of
 * answers can be offered in 300 / scale real seconds while the bot sees five minutes pass.
 */
import type { Clock } from '../src/clock.ts';

/** A clock that is frozen until `run()`, then runs at `scale` × real time. */
export class CountyClock implements Clock {
  private realStart: number | undefined;

  /** @param start the bot time while frozen and at `run()` (ms since the epoch) */
  constructor(
    readonly start: number,
    readonly scale: number,
  ) {}

  now(): Date {
    return new Date(this.botMs());
  }

  /** The bot time in ms since the epoch. */
  botMs(): number {
    return this.realStart === undefined ? this.start : this.start + (performance.now() - this.realStart) * this.scale;
  }

  /** Starts the clock (once); returns the real instant (performance.now()) it started. */
  run(): number {
    this.realStart ??= performance.now();
    return this.realStart;
  }

  /** The real instant (performance.now()) at which the bot time reaches `botMs`. */
  realAt(botMs: number): number {
    if (this.realStart === undefined) throw new Error('clock not running');
    return this.realStart + (botMs - this.start) / this.scale;
  }
}
