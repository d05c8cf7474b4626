/**
 * Per-chat lanes over a bounded pool: work of one chat runs one piece after another, in the order
 * it was handed in; work of different chats runs concurrently, at most `limit` pieces at once, the
 * pool's places given out first come, first served. A slow piece (a chart rendered after commit)
 * holds its own chat's lane and one place of the pool, never another chat's lane.
 */
import { Places } from './places.ts';

/** See the file comment. */
export class ChatLanes {
  /** The last piece queued per chat; a new piece of that chat starts after it settles. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly places: Places;
  private busy = 0;
  private idleWaiters: (() => void)[] = [];

  /** @param limit pieces of work running at once across all chats (at least 1). */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`ChatLanes: limit must be a whole number ≥ 1, not ${limit}`);
    this.places = new Places(limit);
  }

  /** Queues `task` in the lane `key`; resolves or rejects with it. Call order decides lane order. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    this.busy++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(() => this.places.run(task));
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      if (--this.busy === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
    return result;
  }

  /** Pieces queued or running. */
  get pending(): number {
    return this.busy;
  }

  /** Resolves once no piece is queued or running. */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
