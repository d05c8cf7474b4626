/**
 * Group commit for SQLite: the units of work submitted while a transaction runs are run together,
 * one after another, in the NEXT transaction, each inside its own savepoint, and committed at once.
 *
 * Why: SQLite has one writer, and the bot shares one connection (client.ts `serialized`), so
 * events of different chats cannot run their transactions side by side; they queue for the
 * connection. Each transaction costs a BEGIN, a COMMIT (a WAL sync) and Prisma's interactive-
 * transaction bookkeeping; sharing them across a batch is where the time goes back.
 *
 * What each unit keeps for itself:
 * - its outcome: a unit that throws is rolled back to its savepoint alone (`ROLLBACK TO`), the
 *   others commit; its error reaches its caller only after the batch ended, so a caller's own
 *   follow-up transaction (the inbox's "mark failed, apologise") joins the next batch;
 * - durability: every unit's promise settles after the batch's COMMIT, never before; when the
 *   transaction fails (the COMMIT, a timeout, a lost savepoint) every unit of it rejects;
 * - its own savepoints: savepoints nest by name, so a unit may open, release and roll back its own
 *   (roster.ts `member_registration`); rolling back to the unit's savepoint drops them too.
 *
 * A batch of one unit is a plain transaction (no savepoint: a failure rolls the whole of it back),
 * so an event alone costs exactly the statements it did before. Batches take at most `maxUnits`
 * units, and Prisma's timeout is `unitTimeoutMs` per unit in the batch: each unit keeps the budget
 * it had alone. The batch starts one turn of the event loop after the first unit arrives (or after
 * the previous batch ended), so the units woken together (chat lanes freed by the last commit)
 * join one batch. Use it on SQLite only: on PostgreSQL the pool runs transactions side by side.
 */
import type { Db } from './client.ts';
import type { Prisma } from './generated/sqlite/client.ts';
import { EVENT_TX_OPTIONS } from './transactions.ts';

/** A transaction client, as a unit of work receives it. */
export type TxClient = Prisma.TransactionClient;

/** Runs `work` in a transaction and resolves with its result once that transaction has committed. */
export type Transact = <T>(work: (tx: TxClient) => Promise<T>) => Promise<T>;

/** Most units in one batch by default. */
export const GROUP_COMMIT_MAX_UNITS = 32;

/** The savepoint each unit of a batch runs in (a name no handler uses). */
const UNIT_SAVEPOINT = 'group_commit_unit';

/** Thrown into every unit of a batch whose transaction did not commit (the cause says why). */
export class GroupCommitError extends Error {
  override name = 'GroupCommitError';
  constructor(units: number, cause: unknown) {
    super(`the transaction of a batch of ${units} units did not commit: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Thrown into a unit that ran longer than its timeout: rolled back, and the batch went on without it. */
export class UnitTimeoutError extends Error {
  override name = 'UnitTimeoutError';
  constructor(ms: number) {
    super(`the event's transaction ran longer than ${ms} ms: it was rolled back, and the others of its batch committed without it`);
  }
}

/** Thrown at a unit that uses its transaction after it timed out (its writes must not join the batch's commit). */
export class AbandonedUnitError extends Error {
  override name = 'AbandonedUnitError';
  constructor() {
    super('this unit of work timed out and was rolled back: its transaction client refuses further statements');
  }
}

/** Calls `fire` after `ms` unless the returned function is called first (setTimeout; tests inject their own). */
export type UnitTimer = (ms: number, fire: () => void) => () => void;

const realTimer: UnitTimer = (ms, fire) => {
  const t = setTimeout(fire, ms);
  return () => clearTimeout(t);
};

/** Limits of a group commit. */
export interface GroupCommitOptions {
  /** Most units in one batch (default GROUP_COMMIT_MAX_UNITS). */
  readonly maxUnits?: number;
  /** Prisma's transaction timeout per unit in the batch (default EVENT_TX_OPTIONS.timeout). */
  readonly unitTimeoutMs?: number;
  /** How long a batch may wait for the connection (default EVENT_TX_OPTIONS.maxWait). */
  readonly maxWaitMs?: number;
  /** Times each unit (default setTimeout). */
  readonly timer?: UnitTimer;
  /** Told each batch's size as its transaction begins (the metrics). */
  readonly onBatch?: (units: number) => void;
}

interface Unit {
  readonly work: (tx: TxClient) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** See the file comment. One instance per database client; `run` is its only door. */
export class GroupCommit {
  private readonly queue: Unit[] = [];
  private running = false;
  private scheduled = false;
  private readonly maxUnits: number;
  private readonly unitTimeoutMs: number;
  private readonly maxWaitMs: number;
  private readonly timer: UnitTimer;
  private readonly onBatch: ((units: number) => void) | undefined;
  /** Transactions begun so far, and units committed or rolled back in them (tests, metrics). */
  readonly stats = { batches: 0, units: 0, largest: 0 };

  constructor(
    private readonly db: Db,
    options: GroupCommitOptions = {},
  ) {
    this.maxUnits = options.maxUnits ?? GROUP_COMMIT_MAX_UNITS;
    this.unitTimeoutMs = options.unitTimeoutMs ?? EVENT_TX_OPTIONS.timeout;
    this.maxWaitMs = options.maxWaitMs ?? EVENT_TX_OPTIONS.maxWait;
    this.timer = options.timer ?? realTimer;
    this.onBatch = options.onBatch;
    if (!Number.isInteger(this.maxUnits) || this.maxUnits < 1) throw new Error(`GroupCommit: maxUnits must be a whole number ≥ 1, not ${this.maxUnits}`);
  }

  /** Queues `work` for the next batch; settles with it once that batch's transaction has ended. */
  run<T>(work: (tx: TxClient) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** The `Transact` function of this group commit (bound, to hand to the inbox). */
  readonly transact: Transact = (work) => this.run(work);

  private schedule(): void {
    if (this.running || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.next());
  }

  private async next(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxUnits);
    this.running = true;
    try {
      const outcomes = await this.commit(batch);
      batch.forEach((unit, i) => settle(unit, outcomes[i]!));
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  /** Runs one batch in one transaction; every unit's outcome, once the transaction has ended. */
  private async commit(batch: readonly Unit[]): Promise<Outcome[]> {
    this.stats.batches++;
    this.stats.units += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    this.onBatch?.(batch.length);
    // Each unit is timed by itself (`timed`); Prisma's timeout is only the backstop behind them.
    const options = { timeout: this.unitTimeoutMs * (batch.length + 1), maxWait: this.maxWaitMs };
    const timed = (work: (tx: TxClient) => Promise<unknown>) => withTimeout(work, this.unitTimeoutMs, this.timer);
    const outcomes: Outcome[] = [];
    try {
      if (batch.length === 1) {
        outcomes.push({ ok: true, value: await this.db.$transaction(timed(batch[0]!.work), options) });
        return outcomes;
      }
      await this.db.$transaction(async (tx) => {
        for (const unit of batch) outcomes.push(await runInSavepoint(tx, timed(unit.work)));
      }, options);
      return outcomes;
    } catch (error) {
      // Alone, a unit's own error (or its COMMIT's) is the transaction's; in a batch, nothing of it committed.
      if (batch.length === 1) return [{ ok: false, error }];
      const failed = new GroupCommitError(batch.length, error);
      return batch.map((_, i) => {
        const own = outcomes[i];
        return own && !own.ok ? own : { ok: false, error: failed };
      });
    }
  }
}

/** Runs one unit inside the batch's transaction under its own savepoint. */
async function runInSavepoint(tx: TxClient, work: (tx: TxClient) => Promise<unknown>): Promise<Outcome> {
  await tx.$executeRawUnsafe(`SAVEPOINT ${UNIT_SAVEPOINT}`);
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await work(tx) };
  } catch (error) {
    // Undoes this unit's writes (and any savepoint it left open); a failure here fails the batch.
    await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${UNIT_SAVEPOINT}`);
    outcome = { ok: false, error };
  }
  await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${UNIT_SAVEPOINT}`);
  return outcome;
}

/**
 * `work` bounded to `ms`: past it, the returned work throws UnitTimeoutError (so its savepoint is
 * rolled back, or, alone, its transaction) and the batch goes on. The work itself cannot be
 * stopped; from then on its transaction client refuses every statement (`fenced`), so nothing it
 * does later lands in the batch's commit.
 */
function withTimeout(work: (tx: TxClient) => Promise<unknown>, ms: number, timer: UnitTimer): (tx: TxClient) => Promise<unknown> {
  return (tx) => {
    let open = true;
    let cancel = () => undefined as void;
    const expired = new Promise<never>((_, reject) => {
      cancel = timer(ms, () => {
        open = false;
        reject(new UnitTimeoutError(ms));
      });
    });
    const running = work(fenced(tx, () => open));
    running.catch(() => undefined); // an abandoned unit's later failure is nobody's to see
    return Promise.race([running, expired]).finally(cancel);
  };
}

/**
 * The transaction client, refusing statements once `open()` is false: every method of it and of
 * its model delegates (`tx.auditLog.create`) checks first.
 */
function fenced(tx: TxClient, open: () => boolean): TxClient {
  const guard = <F extends (...args: never[]) => unknown>(fn: F, self: object) =>
    (...args: Parameters<F>) => {
      if (!open()) return Promise.reject(new AbandonedUnitError());
      return fn.apply(self, args);
    };
  const delegates = new Map<PropertyKey, unknown>();
  return new Proxy(tx, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value === 'function') return guard(value as (...args: never[]) => unknown, target);
      if (value === null || typeof value !== 'object') return value;
      if (!delegates.has(prop)) {
        delegates.set(prop, new Proxy(value, {
          get(delegate, key) {
            const member: unknown = Reflect.get(delegate, key, delegate);
            return typeof member === 'function' ? guard(member as (...args: never[]) => unknown, delegate) : member;
          },
        }));
      }
      return delegates.get(prop);
    },
  });
}

function settle(unit: Unit, outcome: Outcome): void {
  if (outcome.ok) unit.resolve(outcome.value);
  else unit.reject(outcome.error);
}

/**
 * The event transactions of a database: on SQLite a group commit (see the file comment), on
 * PostgreSQL one transaction per call (the pool runs them side by side).
 */
export function eventTransactions(db: Db, provider: 'sqlite' | 'postgresql', options?: GroupCommitOptions): Transact {
  if (provider === 'sqlite') return new GroupCommit(db, options).transact;
  // Timed like a unit: Prisma's timeout rolls the transaction back but waits for the work, so a
  // hung handler would hold its chat's lane and a place of the pool for as long as it hangs.
  const ms = options?.unitTimeoutMs ?? EVENT_TX_OPTIONS.timeout;
  const timer = options?.timer ?? realTimer;
  return (work) => db.$transaction(withTimeout(work, ms, timer), { ...EVENT_TX_OPTIONS, timeout: ms + EVENT_TX_OPTIONS.timeout }) as Promise<never>;
}
