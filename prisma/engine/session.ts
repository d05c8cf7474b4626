// One Wasm schema engine bound to one database, with the call-level faults of the Wasm build
// worked around (W1, W2, W6 of the notes on running Prisma offline; W3-W5 are in adapters.ts).
// The JSON-RPC stand-in (server.ts) forwards every CLI request to a session; the tools in prisma/
// and the tests drive a session in-process.
import fs from 'node:fs';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import { sqliteFilePath } from '../../src/db/datasource.ts';
import { createEngineAdapters, errorText, type EngineAdapters } from './adapters.ts';
import { loadSchemaEngineClass, takePanicMessage } from './wasm.ts';

/** The engine methods a session forwards (the RPC methods of the native engine it stands in for). */
export const ENGINE_METHODS = [
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'diff',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
  'version',
] as const;

/** A method name of ENGINE_METHODS. */
export type EngineMethod = (typeof ENGINE_METHODS)[number];

/** The parameter type of an engine method. */
export type EngineParams<M extends EngineMethod> = Parameters<SchemaEngine[M]>[0];

/** The result type of an engine method. */
export type EngineResult<M extends EngineMethod> = Awaited<ReturnType<SchemaEngine[M]>>;

/** An error the engine reported, with Prisma's error code (P1014, P3006, ...) when it has one. */
export interface EngineError extends Error {
  code?: string;
  meta?: unknown;
  /** True when the engine panicked (a bug in the engine, not in the input). */
  isPanic?: boolean;
}

/** Options of EngineSession.open. */
export interface SessionOptions {
  /** The database: `file:...` or `postgresql://...`. */
  url: string;
  /** The Prisma schema files as [path, content]: the target of createMigration, schemaPush, ... */
  datamodels?: [string, string][];
  /** Receives the engine's log lines (JSON text). Default: dropped. */
  log?: (line: string) => void;
}

/** Filters that include everything (no externally managed tables or enums). */
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

const isMissingMigrationsTable = (e: unknown): boolean =>
  (e as EngineError | undefined)?.code === 'P1014' && /_prisma_migrations/.test(errorText(e));

/** A Wasm schema engine on one database, with the work-arounds applied. Close it when done. */
export class EngineSession {
  private engine!: SchemaEngine;
  private adapters!: EngineAdapters;
  private diagnosed = false;

  private constructor(private readonly options: SessionOptions) {}

  /** Loads the Wasm engine (once per process) and binds a new engine to `options.url`. */
  static async open(options: SessionOptions): Promise<EngineSession> {
    const session = new EngineSession(options);
    await session.start();
    return session;
  }

  /** `sqlite` or `postgresql`. */
  get provider(): EngineAdapters['provider'] {
    return this.adapters.provider;
  }

  private async start(): Promise<void> {
    const SchemaEngine = await loadSchemaEngineClass();
    this.adapters = createEngineAdapters(this.options.url);
    const log = this.options.log ?? (() => {});
    try {
      this.engine = await SchemaEngine.new({ datamodels: this.options.datamodels }, (line: string) => log(line), this.adapters.factory);
    } catch (e) {
      await this.adapters.disposeAll();
      throw this.enrich(e);
    }
    this.diagnosed = false;
  }

  /** Calls an engine method with the work-arounds; engine errors get the adapter error behind them appended. */
  async call<M extends EngineMethod>(method: M, params: EngineParams<M>): Promise<EngineResult<M>> {
    try {
      return await this.dispatch(method, params);
    } catch (e) {
      throw this.enrich(e);
    }
  }

  private async dispatch<M extends EngineMethod>(method: M, params: EngineParams<M>): Promise<EngineResult<M>> {
    // W6. The Wasm engine's reset on SQLite leaves the tables in place; the native engine deletes
    // the database file. Do that, then bind a fresh engine to the (new, empty) file.
    if (method === 'reset' && this.provider === 'sqlite') {
      await this.resetSqliteFile();
      return undefined as EngineResult<M>;
    }
    // W1. createMigration on SQLite fails with "SQLite shadow DB must be provided through an
    // external factory" unless devDiagnostic ran first in this engine (it builds and caches the
    // shadow schema). The CLI's `migrate dev` does call it first; in-process callers may not.
    if (method === 'createMigration' && !this.diagnosed) {
      const p = params as EngineParams<'createMigration'>;
      await this.dispatch('devDiagnostic', { migrationsList: p.migrationsList, filters: p.filters });
    }
    const run = (): Promise<EngineResult<M>> => (this.engine[method] as (p: EngineParams<M>) => Promise<EngineResult<M>>).call(this.engine, params);
    let result: EngineResult<M>;
    try {
      result = await run();
    } catch (e) {
      // W2. On a database without _prisma_migrations, devDiagnostic (and what builds on it) fails
      // with P1014 where the native engine carries on. Create the table the way the engine does it
      // (applyMigrations of an empty list), then retry once.
      if (method === 'applyMigrations' || !isMissingMigrationsTable(e)) throw e;
      await this.engine.applyMigrations({ migrationsList: emptyMigrationList(params), filters: NO_FILTERS });
      result = await run();
    }
    if (method === 'devDiagnostic') this.diagnosed = true;
    return result;
  }

  private async resetSqliteFile(): Promise<void> {
    this.engine.free();
    await this.adapters.disposeAll();
    const file = sqliteFilePath(this.options.url);
    for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    await this.start();
  }

  /** Appends the JS error an `External error id#N` stands for, keeping code and meta. */
  private enrich(e: unknown): EngineError {
    const err: EngineError = e instanceof Error ? e : new Error(String(e));
    const panic = takePanicMessage();
    if (panic !== undefined) {
      err.message = `schema engine panicked: ${panic}`;
      err.isPanic = true;
    }
    const inner = this.adapters.explain(err);
    if (inner && !err.message.includes(inner)) err.message = `${err.message}\n${inner}`;
    if (/Could not locate the bindings file/.test(err.message)) {
      // What the CLI used to show as a bare "Error in Schema engine" while better-sqlite3 was still compiling.
      err.message = `better-sqlite3's native module is not built (is \`npm ci\` still compiling it? else run \`npm rebuild better-sqlite3\`)\n${err.message}`;
    }
    return err;
  }

  /** Frees the engine and closes every connection it opened. */
  async close(): Promise<void> {
    this.engine.free();
    await this.adapters.disposeAll();
  }
}

/** The migrations list of `params` with no migrations (same folder and lockfile), or an empty one. */
function emptyMigrationList(params: unknown): MigrationList {
  const list = (params as { migrationsList?: MigrationList } | undefined)?.migrationsList;
  return {
    baseDir: list?.baseDir ?? process.cwd(),
    lockfile: list?.lockfile ?? { path: 'migration_lock.toml', content: null },
    shadowDbInitScript: '',
    migrationDirectories: [],
  };
}
