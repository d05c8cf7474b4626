/**
 * Recording in batches: items handed in while the statements in flight run wait together, and
 * the next free statement takes all of them (at most `maxRows`), in the order they came. At most
 * `maxStatements` statements run at once. No timer: an item handed in while a statement is free
 * goes at the next turn of the event loop with whatever arrived in the same turn, so a quiet bot
 * records each event at once and a burst fills its batches by itself (the longer the statements
 * in flight take, the more wait, the fewer statements).
 *
 * The intake records inbound events through it (intake.ts): a county's peak of 318 answers a
 * second was 318 single-row INSERTs through 2 places; now it is a few multi-row ones.
 */

/** How one item of a batch ended: its value, or its own error. */
export type BatchAttempt<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/** Limits of the batches. */
export interface RecordBatchLimits {
  /** Most items in one statement. */
  readonly maxRows: number;
  /** Most statements running at once. */
  readonly maxStatements: number;
}

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

/** See the file comment. */
export class RecordBatches<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  private running = 0;
  private scheduled = false;

  /**
   * @param write records a batch; gives one attempt per item, in order (it must not reject: an
   *   error thrown anyway fails every item of the batch)
   * @param onBatch told each batch's size as it starts (the metrics)
   */
  constructor(
    private readonly write: (items: readonly T[]) => Promise<readonly BatchAttempt<R>[]>,
    private readonly limits: RecordBatchLimits,
    private readonly onBatch?: (size: number) => void,
  ) {
    for (const [name, n] of Object.entries(limits)) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`RecordBatches: ${name} must be a whole number ≥ 1, not ${String(n)}`);
    }
  }

  /** Queues `item` for the next batch; settles with its own attempt once that batch is written. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a statement. */
  get queued(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.limits.maxStatements || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private start(): void {
    while (this.running < this.limits.maxStatements && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.limits.maxRows);
      this.running++;
      void this.runBatch(batch);
    }
  }

  private async runBatch(batch: readonly Waiting<T, R>[]): Promise<void> {
    this.onBatch?.(batch.length);
    try {
      const attempts = await this.write(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const a = attempts[i];
        if (!a) w.reject(new Error('RecordBatches: the batch gave no attempt for this item'));
        else if (a.ok) w.resolve(a.value);
        else w.reject(a.error);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.running--;
      this.schedule();
    }
  }
}
