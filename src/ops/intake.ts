/**
 * The door between the adapters and the inbox: counts every event handed over, orders it into its
 * chat's lane (chat-lanes.ts: one chat's events one after another, different chats concurrently in
 * a bounded pool), and on shutdown closes, so the bot stops taking events while the ones already in
 * flight finish.
 *
 * With a staged receiver (the inbox's `recordMany` then `processRecorded`), the adapter's sink
 * resolves once the event is RECORDED; its processing goes on in the chat's lane. Events waiting to
 * be recorded are recorded together, one multi-row statement a batch (record-batches.ts), each
 * told apart (recorded, a duplicate, or its own error). So an adapter that hands
 * events over one after another (a polling adapter confirms an update when the sink resolves; a
 * webhook answers then) never waits for another chat's handler, and an event recorded but not yet
 * processed when the process dies is processed by `Inbox.recover` at the next start.
 *
 * An event handed over after `close()` is held, not processed, and rejected when `release()` is
 * called (just before the adapters stop; later ones are rejected at once): the adapter then treats
 * it as not handled (a polling adapter leaves it unconfirmed, so the platform delivers it again
 * after the restart; a webhook answers 5xx and the platform retries).
 */
import type { HandedOver } from '../bot/adapter.ts';
import type { Incoming, Platform } from '../bot/types.ts';
import { RECORD_BATCH_MAX_ROWS, type ReceiveOutcome, type RecordAttempt, type RecordedEvent } from '../bot/inbox.ts';
import { ChatLanes } from './chat-lanes.ts';
import { RecordBatches } from './record-batches.ts';

/** How an event's handling ended, as the metrics see it (`error`: the inbox threw, e.g. the database is down). */
export type EventResult = ReceiveOutcome | 'error';

/** Told about every event handed over by an adapter (the metrics). */
export interface EventObserver {
  received(platform: Platform): void;
  finished(platform: Platform, result: EventResult, seconds: number): void;
  /** An event was recorded (or found a duplicate) `seconds` after it was handed over. */
  recorded?(platform: Platform, seconds: number): void;
  /** A recording statement started with `rows` events. */
  recordBatched?(rows: number): void;
  /** A group commit (SQLite) began a transaction for `units` events (db/group-commit.ts `onBatch`). */
  groupCommitted?(units: number): void;
}

/** Thrown into an adapter for an event handed over while the bot shuts down. */
export class ShuttingDownError extends Error {
  override name = 'ShuttingDownError';
  constructor() {
    super('the bot is shutting down: the event was not taken (it is delivered again after the restart)');
  }
}

/** Records events, then processes each (the inbox): what the intake hands events to. */
export interface StagedReceiver {
  /** Records a batch (one attempt per event, in order; never rejects), as `Inbox.recordMany`. */
  recordMany(incomings: readonly Incoming[]): Promise<RecordAttempt[]>;
  processRecorded(event: RecordedEvent): Promise<ReceiveOutcome>;
}

/** What `Intake.submit` gives back: when the event is recorded, and how its processing ended. */
export interface Submitted {
  /** Resolves once the event is recorded (or found a duplicate); rejects when it could not be. */
  readonly recorded: Promise<void>;
  /** Resolves once the event is processed, with how that ended (`error`: it could not be). */
  readonly processed: Promise<EventResult>;
}

/**
 * Recording statements at once. Recording is not in the lanes (an event is recorded as it
 * arrives), so without a bound a burst of 300 answers a second held every PostgreSQL pool
 * connection with its insert, and handlers' transactions failed waiting to start (the county
 * benchmark, #18). Events arriving while these run wait, in order, and the next free statement
 * records all of them at once (record-batches.ts; at most RECORD_BATCH_MAX_ROWS a statement);
 * the adapter's sink resolves once its event is recorded.
 */
export const RECORD_CONCURRENCY = 2;

/** Events processed at once across chats by default (a place is held while a handler waits). */
export const DEFAULT_EVENT_CONCURRENCY = 8;

/** Wraps the inbox for the adapters; see the file comment. */
export class Intake {
  private open = true;
  /** After `release()`, events handed over are rejected at once (the adapters are being stopped). */
  private released = false;
  private inFlight = 0;
  private settled: (() => void) | undefined;
  private readonly held: (() => void)[] = [];

  private readonly lanes: ChatLanes;
  /** Events waiting to be recorded, recorded in batches: a burst's inserts must not take every connection the handlers need. */
  private readonly recordings: RecordBatches<Incoming, RecordedEvent | 'duplicate'> | undefined;
  /**
   * The recording in flight of each event id: a redelivery handed over before its first copy is
   * recorded waits for that one and is its duplicate (or records itself if that one failed). In
   * the database, two statements run at once and the later one may commit first (PostgreSQL):
   * the redelivery would be the copy stored, and its chat's later events processed before it.
   */
  private readonly recordingOf = new Map<string, Promise<RecordedEvent | 'duplicate'>>();

  /**
   * @param receiver the inbox (staged: the sink resolves once recorded), or one function that
   *   records and processes (the sink resolves once processed; tests)
   * @param options `concurrency`: events processed at once across chats; `recordBatchRows`: most
   *   events in one recording statement (default RECORD_BATCH_MAX_ROWS)
   */
  constructor(
    private readonly receiver: StagedReceiver | ((incoming: Incoming) => Promise<ReceiveOutcome>),
    private readonly observer?: EventObserver,
    options: { concurrency?: number; recordBatchRows?: number } = {},
  ) {
    this.lanes = new ChatLanes(options.concurrency ?? DEFAULT_EVENT_CONCURRENCY);
    if (typeof receiver !== 'function') {
      const limits = { maxRows: options.recordBatchRows ?? RECORD_BATCH_MAX_ROWS, maxStatements: RECORD_CONCURRENCY };
      this.recordings = new RecordBatches((batch) => receiver.recordMany(batch), limits, (rows) => observer?.recordBatched?.(rows));
    }
  }

  /** The sink to give every adapter: resolves once the event is taken (see the file comment). */
  readonly sink = async (incoming: Incoming): Promise<HandedOver> => {
    const submitted = await this.submit(incoming);
    await (typeof this.receiver === 'function' ? submitted.outcome : submitted.recorded);
    return { processed: submitted.processed.then(() => undefined) };
  };

  /**
   * Hands one event over as the sink does, and tells both moments apart (benchmarks and tests
   * measure to `processed`). Rejects, like the sink, while the bot shuts down.
   */
  async submit(incoming: Incoming): Promise<Submitted & { readonly outcome: Promise<EventResult> }> {
    // On SQLite every query is synchronous under its promise, so a burst of events can run as one
    // long chain of microtasks: a signal (SIGTERM), a /healthz request or a timer would wait for the
    // whole burst. One turn of the event loop per event lets them in between events.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!this.open) await this.hold();
    const platform = incoming.chat.platform;
    this.observer?.received(platform);
    this.inFlight++;
    const started = performance.now();
    const receiver = this.receiver;
    const recording = this.record(incoming)?.then((event) => {
      this.observer?.recorded?.(platform, (performance.now() - started) / 1000);
      return event;
    });
    // The lane's place is taken now, before any await: the chat's events keep the order they came in.
    const outcome = this.lanes.run(`${platform}\u0000${incoming.chat.chatId}`, async (): Promise<EventResult> => {
      if (!recording) return (receiver as (i: Incoming) => Promise<ReceiveOutcome>)(incoming);
      const event = await recording;
      return event === 'duplicate' ? event : (receiver as StagedReceiver).processRecorded(event);
    });
    const processed = outcome
      .catch((): EventResult => 'error')
      .then((result) => {
        this.observer?.finished(platform, result, (performance.now() - started) / 1000);
        if (--this.inFlight === 0) this.settled?.();
        return result;
      });
    const recorded = recording ? recording.then(() => undefined) : processed.then(() => undefined);
    // Whoever does not wait on one of them must not see it as an unhandled rejection.
    recorded.catch(() => undefined);
    outcome.catch(() => undefined);
    return { recorded, processed, outcome };
  }

  /** Records `incoming` in the next batch, or after its copy in flight (see `recordingOf`). */
  private record(incoming: Incoming): Promise<RecordedEvent | 'duplicate'> | undefined {
    const recordings = this.recordings;
    if (!recordings) return undefined;
    const key = `${incoming.chat.platform}\u0000${incoming.eventId}`;
    const first = this.recordingOf.get(key);
    const recording = first ? first.then((): 'duplicate' => 'duplicate', () => recordings.add(incoming)) : recordings.add(incoming);
    this.recordingOf.set(key, recording);
    const forget = (): void => {
      if (this.recordingOf.get(key) === recording) this.recordingOf.delete(key);
    };
    recording.then(forget, forget);
    return recording;
  }

  /** Resolves once every event handed over so far is processed. */
  idle(): Promise<void> {
    return this.lanes.idle();
  }

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
