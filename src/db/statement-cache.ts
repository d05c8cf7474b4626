// A prepared-statement cache for the one better-sqlite3 connection Prisma's SQLite adapter opens.
//
// adapter-better-sqlite3 7.10 runs every query as `client.prepare(sql).bind(args)` followed by
// `reader` / `columns()` / `raw().all()` or `run()` (and `client.prepare('BEGIN').run()`): it
// compiles the same few dozen SQL texts again for every query, which costs more CPU than running
// them. Prisma's SQL text carries no values (they are bound), so the texts repeat exactly.
//
// `cacheStatements` swaps the adapter's `client` for a proxy of the same better-sqlite3 Database
// whose `prepare(sql)` reuses a compiled Statement (least recently used dropped beyond `size`).
// A better-sqlite3 Statement can be bound only once, so the proxy hands out a small view instead
// of the Statement: `bind(...)` remembers the values and the view passes them to `run(...)` /
// `all(...)` at execution. Everything else on the Database goes through to it unchanged.
//
// Result columns are remembered with the statement: the schema does not change under an open
// connection (migrate.ts runs before the bot opens its database).
//
// This relies on the adapter's internals (a writable `client` field, the calls above); the check
// in `cacheStatements` leaves an adapter that does not look like that alone, and
// test/db/statement-cache.test.ts fails if the cache stops being used.
import type BetterSqlite3 from 'better-sqlite3';

/** How many distinct SQL texts are kept compiled per connection (Prisma's bot uses well under this). */
export const STATEMENT_CACHE_SIZE = 200;

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/** A compiled statement and, once asked for, its result columns (fixed for a compiled text). */
interface Entry {
  readonly statement: Statement;
  columns?: BetterSqlite3.ColumnDefinition[];
}

/** The part of a better-sqlite3 Database the cache needs. */
interface Preparer {
  prepare(sql: string): Statement;
}

/** What adapter-better-sqlite3 uses of a Statement, with the bound values applied at execution. */
class StatementView {
  private readonly statement: Statement;
  constructor(
    private readonly entry: Entry,
    private readonly params: readonly unknown[],
  ) {
    this.statement = entry.statement;
  }
  get reader(): boolean {
    return this.statement.reader;
  }
  get source(): string {
    return this.statement.source;
  }
  bind(...params: unknown[]): StatementView {
    return new StatementView(this.entry, params);
  }
  /**
   * The result columns, read from SQLite once per compiled text (better-sqlite3 builds them anew
   * on every call, a noticeable cost for Prisma's wide SELECTs). The adapter only reads them.
   */
  columns(): BetterSqlite3.ColumnDefinition[] {
    return (this.entry.columns ??= this.statement.columns());
  }
  raw(toggle = true): { all(): unknown[] } {
    return { all: () => this.statement.raw(toggle).all(...this.params) };
  }
  all(): unknown[] {
    return this.statement.raw(false).all(...this.params);
  }
  get(): unknown {
    return this.statement.raw(false).get(...this.params);
  }
  run(): BetterSqlite3.RunResult {
    return this.statement.run(...this.params);
  }
}

/**
 * A proxy of `db` whose `prepare(sql)` returns a view of a cached compiled statement (at most
 * `size` kept, least recently used dropped); every other property is `db`'s own.
 */
export function withStatementCache<T extends Preparer>(db: T, size = STATEMENT_CACHE_SIZE): T {
  const cache = new Map<string, Entry>();
  const prepare = (sql: string): StatementView => {
    let entry = cache.get(sql);
    if (entry) {
      cache.delete(sql); // re-inserted below: Map order is recency order
    } else {
      entry = { statement: db.prepare(sql) };
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, entry);
    return new StatementView(entry, []);
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, prop, target);
      // better-sqlite3's methods check that `this` is the native Database, not the proxy.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Gives an adapter-better-sqlite3 connection (what its factory's `connect()` returns) a statement
 * cache, transactions included (they use the same `client`). Returns false, changing nothing,
 * when the adapter does not hold its Database in a `client` field as 7.10 does.
 */
export function cacheStatements(adapter: object, size = STATEMENT_CACHE_SIZE): boolean {
  const holder = adapter as { client?: unknown };
  const client = holder.client as Partial<Preparer> | undefined;
  if (typeof client?.prepare !== 'function') return false;
  holder.client = withStatementCache(client as Preparer, size);
  return true;
}
