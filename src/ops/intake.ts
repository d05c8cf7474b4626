/**
 * The door between the adapters and the inbox: counts every event handed over, and on shutdown
 * closes, so the bot stops taking events while the ones already in flight finish.
 *
 * An event handed over after `close()` is held, not processed, and rejected when `release()` is
 * called (just before the adapters stop; later ones are rejected at once): the adapter then treats
 * it as not handled (a polling adapter leaves it unconfirmed, so the platform delivers it again
 * after the restart; a webhook answers 5xx and the platform retries).
 */
import type { Incoming, Platform } from '../bot/types.ts';
import type { ReceiveOutcome } from '../bot/inbox.ts';

/** How an event's handling ended, as the metrics see it (`error`: the inbox threw, e.g. the database is down). */
export type EventResult = ReceiveOutcome | 'error';

/** Told about every event handed over by an adapter (the metrics). */
export interface EventObserver {
  received(platform: Platform): void;
  finished(platform: Platform, result: EventResult, seconds: number): void;
}

/** Thrown into an adapter for an event handed over while the bot shuts down. */
export class ShuttingDownError extends Error {
  override name = 'ShuttingDownError';
  constructor() {
    super('the bot is shutting down: the event was not taken (it is delivered again after the restart)');
  }
}

/** Wraps the inbox's receive for the adapters; see the file comment. */
export class Intake {
  private open = true;
  /** After `release()`, events handed over are rejected at once (the adapters are being stopped). */
  private released = false;
  private inFlight = 0;
  private settled: (() => void) | undefined;
  private readonly held: (() => void)[] = [];

  constructor(
    private readonly receive: (incoming: Incoming) => Promise<ReceiveOutcome>,
    private readonly observer?: EventObserver,
  ) {}

  /** The sink to give every adapter. */
  readonly sink = async (incoming: Incoming): Promise<void> => {
    // On SQLite every query is synchronous under its promise, so a burst of events can run as one
    // long chain of microtasks: a signal (SIGTERM), a /healthz request or a timer would wait for the
    // whole burst. One turn of the event loop per event lets them in between events.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!this.open) return this.hold();
    const platform = incoming.chat.platform;
    this.observer?.received(platform);
    this.inFlight++;
    const started = performance.now();
    let result: EventResult = 'error';
    try {
      result = await this.receive(incoming);
    } finally {
      this.observer?.finished(platform, result, (performance.now() - started) / 1000);
      if (--this.inFlight === 0) this.settled?.();
    }
  };

  /** Events being processed right now. */
  get pending(): number {
    return this.inFlight;
  }

  /** Takes events again (an app started after a stop). */
  reopen(): void {
    this.open = true;
    this.released = false;
  }

  /** Stops taking events; resolves once every event already taken is processed. */
  async close(): Promise<void> {
    this.open = false;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => (this.settled = resolve));
  }

  /** Rejects every event held since `close()` (call before stopping the adapters, so none waits forever). */
  release(): void {
    this.released = true;
    for (const reject of this.held.splice(0)) reject();
  }

  private hold(): Promise<void> {
    if (this.released) return Promise.reject(new ShuttingDownError());
    return new Promise<void>((_, reject) => this.held.push(() => reject(new ShuttingDownError())));
  }
}
