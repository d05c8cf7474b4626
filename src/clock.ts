/** The source of "now" for everything that depends on time; tests inject a controllable one. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand: `set` and `advance` (milliseconds). */
export class ManualClock implements Clock {
  private t: number;
  /** @param start the initial time (default 2026-11-26T00:00:00Z). */
  constructor(start: Date | string = '2026-11-26T00:00:00Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  /** Moves the clock to an absolute time. */
  set(time: Date | string): void {
    this.t = new Date(time).getTime();
  }
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.t += ms;
  }
}
