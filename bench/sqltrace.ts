/**
 * Records every SQL statement the bot runs on SQLite (text and bound values, in order) and replays
 * them through better-sqlite3 directly: the cost of the same database work without our layers
 * (Prisma's query engine and driver adapter, router, zod, i18n, outbox bookkeeping in JS).
 *
 * Recording patches better-sqlite3's Statement prototype in this process, which is what Prisma's
 * adapter-better-sqlite3 calls (`prepare(sql).bind(args)`, then `run()` or `raw().all()`).
 */
import Database from 'better-sqlite3';

/** One executed statement. */
export interface TracedStatement {
  readonly sql: string;
  readonly args: readonly unknown[];
}

interface StatementLike {
  source: string;
  reader: boolean;
  bind(...args: unknown[]): StatementLike;
  run(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown;
  get(...args: unknown[]): unknown;
  raw(on?: boolean): StatementLike;
}

let recording: TracedStatement[] | undefined;
const bound = new WeakMap<object, unknown[]>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as StatementLike;
  probe.close();
  const { bind, run, all, get } = proto;
  proto.bind = function (this: StatementLike, ...args: unknown[]) {
    if (recording) bound.set(this, args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args);
    return bind.apply(this, args);
  };
  const wrap = (fn: (...a: unknown[]) => unknown) =>
    function (this: StatementLike, ...args: unknown[]) {
      if (recording) recording.push({ sql: this.source, args: args.length ? args : (bound.get(this) ?? []) });
      return fn.apply(this, args);
    };
  proto.run = wrap(run);
  proto.all = wrap(all);
  proto.get = wrap(get);
}

/** Starts recording every statement run in this process. */
export function startTrace(): void {
  install();
  recording = [];
}

/** Stops recording and returns the statements, in the order they ran. */
export function stopTrace(): TracedStatement[] {
  const out = recording ?? [];
  recording = undefined;
  return out;
}

/** What a replay measured. */
export interface ReplayResult {
  readonly statements: number;
  readonly ms: number;
  /** Statements that failed in the replay (they failed in the recorded run too, e.g. a unique violation). */
  readonly errors: number;
  /** The statements that took longest in total, with their count and total ms (SQL shortened). */
  readonly slowest: { sql: string; count: number; total_ms: number }[];
}

/**
 * Replays `trace` on the SQLite file `file` (a copy of the database as it was when recording
 * began) with one better-sqlite3 connection, the bot's pragmas and each distinct statement
 * prepared once: the floor our pipeline's database work could reach.
 */
export function replay(file: string, trace: readonly TracedStatement[]): ReplayResult {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.defaultSafeIntegers(true);
  const cache = new Map<string, StatementLike>();
  let errors = 0;
  const per = new Map<string, { count: number; ms: number }>();
  const t0 = performance.now();
  for (const s of trace) {
    const ts = performance.now();
    let stmt = cache.get(s.sql);
    if (!stmt) {
      stmt = db.prepare(s.sql) as unknown as StatementLike;
      cache.set(s.sql, stmt);
    }
    try {
      if (stmt.reader) stmt.raw(true).all(...s.args);
      else stmt.run(...s.args);
    } catch {
      errors++;
    }
    const p = per.get(s.sql) ?? { count: 0, ms: 0 };
    p.count++;
    p.ms += performance.now() - ts;
    per.set(s.sql, p);
  }
  const ms = performance.now() - t0;
  db.close();
  const slowest = [...per]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 8)
    .map(([sql, p]) => ({ sql: sql.replace(/\s+/g, ' ').replace(/`main`\./g, '').slice(0, 240), count: p.count, total_ms: Math.round(p.ms * 10) / 10 }));
  return { statements: trace.length, ms, errors, slowest };
}
