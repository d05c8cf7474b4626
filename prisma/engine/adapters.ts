// The driver adapters the Wasm schema engine talks to the database through: Prisma's own
// @prisma/adapter-better-sqlite3 and @prisma/adapter-pg, with three faults of the pair
// (adapter 7.10.0 + engine 8.1.0-2.59be4fda) worked around. W3..W5 are named as in
// the project's notes on running Prisma offline (W1, W2 and W6 are in session.ts); W7 was found here.
import pg from 'pg';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { pgUrlWithDatabase, providerOf, quotePgIdent, sqliteFilePath, type Provider } from '../../src/db/datasource.ts';

/** An adapter factory bound for the Wasm engine, plus what the caller needs around it. */
export interface EngineAdapters {
  provider: Provider;
  /** Handed to `SchemaEngine.new`; it opens connections (main and shadow) through this. */
  factory: ErrorCapturingSqlMigrationAwareDriverAdapterFactory;
  /** Closes every connection the engine opened (the engine itself never does). */
  disposeAll(): Promise<void>;
  /**
   * The JS error behind an engine error that says `External error id#N` (an adapter threw
   * something the engine could only number), as text; undefined if there is none.
   */
  explain(error: unknown): string | undefined;
}

/** The SQLite adapter for a file URL, its connections patched with W3. */
function sqliteFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const raw = new PrismaBetterSqlite3({ url: sqliteFilePath(url) });
  // W3. The engine replays migrations on the SQLite shadow database (and runs `db execute`
  // scripts) through executeRaw() with a whole multi-statement script, which better-sqlite3's
  // prepare() refuses ("The supplied SQL string contains more than one statement"). For a
  // parameterless query failing that way, run it as a script (better-sqlite3 exec) instead.
  const patch = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (query) => {
      try {
        return await executeRaw(query);
      } catch (e) {
        if (query.args.length > 0 || !/more than one statement/.test(errorText(e))) throw e;
        await adapter.executeScript(query.sql);
        return 0;
      }
    };
    return adapter;
  };
  return {
    provider: raw.provider,
    adapterName: raw.adapterName,
    connect: async () => patch(await raw.connect()),
    connectToShadowDb: async () => patch(await raw.connectToShadowDb()),
  };
}

type QueryCallback = (err: Error | null, res: pg.QueryResult | undefined) => void;

/** Reports columns of PostgreSQL's internal one-byte type "char" (OID 18) as text (OID 25). */
function charAsText<T>(result: T): T {
  const fields = (result as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
  for (const f of fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
  return result;
}

/**
 * W4. The engine's PostgreSQL introspection selects pg_catalog columns of type "char" (OID 18,
 * e.g. pg_constraint.contype), which adapter-pg rejects as an UnsupportedNativeDataType. This
 * client relabels those result columns as text; their values are one-letter strings either way.
 * pg.Pool calls query() with a callback, adapter-pg's own calls use the promise: both are covered.
 */
class CharAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg.Client.query has a dozen overloads; this forwards them all.
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const cb = args[last] as QueryCallback;
      args[last] = (err: Error | null, res: pg.QueryResult | undefined) => cb(err, err ? res : charAsText(res));
    } else if (args[0] && typeof args[0].callback === 'function') {
      const cb = args[0].callback as QueryCallback;
      args[0].callback = (err: Error | null, res: pg.QueryResult | undefined) => cb(err, err ? res : charAsText(res));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const out = (super.query as (...a: any[]) => any)(...args);
    return out && typeof out.then === 'function' ? out.then(charAsText) : out;
  }
}

/** The part of adapter-pg's adapter W7 reaches into (public at runtime, not in its typings). */
interface PgAdapterInternals {
  underlyingDriver(): pg.Pool;
  onError(error: unknown): never;
}

/**
 * W7 (found here, not in the note). adapter-pg's executeScript() splits a script on every `;` and
 * runs the pieces one by one, so a migration with a `;` inside a string literal or a comment
 * breaks, and a failing migration is left half applied. The native engine sends the whole script
 * in one simple-protocol query, which PostgreSQL runs as one implicit transaction. Do that.
 */
function wholeScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const internals = adapter as unknown as PgAdapterInternals;
  adapter.executeScript = async (script) => {
    try {
      await internals.underlyingDriver().query(script);
    } catch (e) {
      internals.onError(e);
    }
  };
  return adapter;
}

/** The PostgreSQL adapter for a URL, with W4, W5 and W7. */
function postgresFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const raw = new PrismaPg({ connectionString: url, Client: CharAsTextClient } as pg.PoolConfig);
  // W5. adapter-pg's connectToShadowDb() opens the shadow database as `{...config, database}`, but
  // with a connectionString the URL's database wins, so the "shadow" database would be the main one;
  // and it drops the shadow database before closing the pool that still uses it ("database ... is
  // being accessed by other users"). Own version: a URL naming the shadow database, pool closed first.
  const connectToShadowDb = async (): Promise<SqlDriverAdapter> => {
    const name = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await adminQuery(url, `CREATE DATABASE ${quotePgIdent(name)}`);
    const shadow = wholeScripts(await new PrismaPg({ connectionString: pgUrlWithDatabase(url, name), Client: CharAsTextClient } as pg.PoolConfig).connect());
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await adminQuery(url, `DROP DATABASE IF EXISTS ${quotePgIdent(name)}`);
    };
    return shadow;
  };
  return { provider: raw.provider, adapterName: raw.adapterName, connect: async () => wholeScripts(await raw.connect()), connectToShadowDb };
}

/** Runs one statement on its own short connection to the server of `url`. */
async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The message of an error or of a DriverAdapterError's cause, as one string. */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const causeMessage = cause && typeof cause === 'object' && 'message' in cause ? String((cause as { message: unknown }).message) : '';
    return causeMessage && !e.message.includes(causeMessage) ? `${e.message}: ${causeMessage}` : e.message;
  }
  return String(e);
}

/** Driver adapters for the database at `url` (SQLite file or PostgreSQL), bound for the Wasm engine. */
export function createEngineAdapters(url: string): EngineAdapters {
  const provider = providerOf(url);
  const base = provider === 'sqlite' ? sqliteFactory(url) : postgresFactory(url);
  const opened: SqlDriverAdapter[] = [];
  const track = async (connect: () => Promise<SqlDriverAdapter>): Promise<SqlDriverAdapter> => {
    const adapter = await connect();
    opened.push(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      const i = opened.indexOf(adapter);
      if (i >= 0) opened.splice(i, 1);
      await dispose();
    };
    return adapter;
  };
  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: base.provider,
    adapterName: base.adapterName,
    connect: () => track(() => base.connect()),
    connectToShadowDb: () => track(() => base.connectToShadowDb()),
  });
  return {
    provider,
    factory,
    async disposeAll() {
      for (const adapter of [...opened].reverse()) await adapter.dispose();
    },
    explain(error) {
      const id = /External error id#(\d+)/.exec(error instanceof Error ? error.message : String(error))?.[1];
      const record = id === undefined ? undefined : factory.errorRegistry.consumeError(Number(id));
      return record === undefined ? undefined : errorText(record.error);
    },
  };
}
