/**
 * A bounded number of places for concurrent work, given out first come, first served: at most
 * `limit` tasks run at once, the rest wait in order. The chat lanes (chat-lanes.ts) hold one per
 * event being processed.
 */
export class Places {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /** @param limit tasks running at once (at least 1). */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`Places: limit must be a whole number ≥ 1, not ${limit}`);
  }

  /** Runs `task` once a place is free; resolves or rejects with it. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the place is handed over
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
