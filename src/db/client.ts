// Opening the database. SQLite (better-sqlite3 through @prisma/adapter-better-sqlite3) for
// `file:` URLs, PostgreSQL (pg through @prisma/adapter-pg) for `postgresql://` URLs. Two Prisma
// clients are generated from one schema (src/db/generated/sqlite and .../postgresql); they have
// the same models, so the rest of the code sees one type, `Db`. Run migrateDatabase() first.
import fs from 'node:fs';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';
import { Prisma, PrismaClient } from './generated/sqlite/client.ts';
import { PrismaClient as PgPrismaClient } from './generated/postgresql/client.ts';
import { cacheStatements } from './statement-cache.ts';
import { makePrivateFile, PRIVATE_FILE_MODE } from './paths.ts';
import { DatabaseUrlError, pgConnectionFields, providerOf, redactUrl, sqliteFilePath, type Provider } from './datasource.ts';

export { DatabaseUrlError, providerOf, type Provider };

/**
 * The Prisma client the bot uses. It is the SQLite client's type; on PostgreSQL the PostgreSQL
 * client (same models, same methods) is used behind this type.
 */
export type Db = PrismaClient;

/** An open database: the client, which kind it is, and how to close it. */
export interface Database {
  readonly db: Db;
  readonly provider: Provider;
  /** The URL it was opened with (may hold a password: log it through redactUrl). */
  readonly url: string;
  /** Disconnects the client (and with it the SQLite file handle or the PostgreSQL pool). */
  close(): Promise<void>;
}

/** How long a SQLite connection waits for a lock held by another connection before failing. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Per-connection settings of every SQLite connection Prisma opens. adapter-better-sqlite3 7.10
 * opens exactly one better-sqlite3 connection per connect() (a PrismaClient connects once, and
 * again only after $disconnect) and takes better-sqlite3's options but no pragmas, so they are
 * run on each new connection here. WAL is a property of the file (it persists); foreign_keys and
 * busy_timeout are per connection (better-sqlite3 already defaults them to ON and 5000 ms: set
 * anyway, so they do not depend on a build default).
 */
/**
 * `secure_delete` zeroes the bytes of deleted and overwritten rows (free pages hold no old ballot,
 * code or message text); `journal_size_limit` truncates the WAL to at most 1 MiB after each
 * checkpoint instead of leaving old frames in it (see `scrubAfterSecretWrite`).
 */
const SQLITE_PRAGMAS = `PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}; PRAGMA secure_delete = ON; PRAGMA journal_size_limit = 1048576;`;

/**
 * Wraps the SQLite adapter factory so every connection it opens reuses its prepared statements
 * (statement-cache.ts), gets SQLITE_PRAGMAS first and is used by one thing at a time (see
 * `serialized`).
 */
function sqliteAdapter(file: string): SqlDriverAdapterFactory {
  const base = new PrismaBetterSqlite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await base.connect();
      cacheStatements(adapter);
      await adapter.executeScript(SQLITE_PRAGMAS);
      return serialized(adapter);
    },
  };
}

/** A FIFO lock: `acquire` resolves with the function that releases it. */
class Gate {
  private tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * The whole bot shares ONE better-sqlite3 connection, and adapter-better-sqlite3 7.10 serialises
 * only transactions among themselves: a query made outside a transaction (the outbox marking a
 * message sent, another event being recorded) while an interactive transaction is open runs on
 * the same connection INSIDE it — it sees that transaction's uncommitted rows and is silently
 * undone if the transaction rolls back (a refused command rolled back the outbox's "sent" marks,
 * so notices went out again and again; test/reliability/sqlite-concurrency.test.ts). Here every
 * statement outside a transaction waits while a transaction is open, and a transaction starts
 * only when no statement is running: the connection is used by one unit of work at a time.
 * (Code inside `$transaction` must use its `tx`: a query on the outer client would wait for the
 * transaction to end and fail it by Prisma's transaction timeout.)
 */
function serialized(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const gate = new Gate();
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (q) => gate.run(() => adapter.queryRaw(q)),
    executeRaw: (q) => gate.run(() => adapter.executeRaw(q)),
    executeScript: (script) => gate.run(() => adapter.executeScript(script)),
    getConnectionInfo: adapter.getConnectionInfo ? () => adapter.getConnectionInfo!() : undefined,
    dispose: () => adapter.dispose(),
    async startTransaction(isolationLevel) {
      const release = await gate.acquire();
      let tx;
      try {
        tx = await adapter.startTransaction(isolationLevel);
      } catch (e) {
        release();
        throw e;
      }
      const inner = tx;
      let ended = false;
      // SQLite keeps a transaction open when its COMMIT fails (a deferred foreign key, SQLITE_BUSY),
      // and Prisma then only calls rollback(), which in adapter-better-sqlite3 runs no SQL: the
      // connection would stay inside that transaction for every statement after it. Rolled back
      // here, before the connection is handed on.
      let commitFailed = false;
      const executeRaw: typeof inner.executeRaw = (q) => {
        if (q.sql !== 'COMMIT') return inner.executeRaw(q);
        return inner.executeRaw(q).catch((e: unknown) => {
          commitFailed = true;
          throw e;
        });
      };
      const end = async (how: () => Promise<void>) => {
        try {
          await how();
        } finally {
          if (!ended) {
            ended = true;
            release();
          }
        }
      };
      return {
        provider: inner.provider,
        adapterName: inner.adapterName,
        options: inner.options,
        queryRaw: (q) => inner.queryRaw(q),
        executeRaw,
        commit: () => end(() => inner.commit()),
        rollback: () => end(() => (commitFailed ? rollbackAfterFailedCommit(inner) : inner.rollback())),
        createSavepoint: inner.createSavepoint ? (name) => inner.createSavepoint!(name) : undefined,
        rollbackToSavepoint: inner.rollbackToSavepoint ? (name) => inner.rollbackToSavepoint!(name) : undefined,
        releaseSavepoint: inner.releaseSavepoint ? (name) => inner.releaseSavepoint!(name) : undefined,
      };
    },
  };
}

/** Ends what a failed COMMIT left open (when SQLite already ended it, its refusal is ignored). */
async function rollbackAfterFailedCommit(tx: Transaction): Promise<void> {
  await tx.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] }).catch(() => undefined);
  await tx.rollback();
}

/**
 * Prisma's default error format records a call site for EVERY query (a `new Error()` and its stack,
 * ~0.6 ms of CPU per inbound message on SQLite) only to print "Invalid `tx.x.y()` invocation in
 * file:line" when a query fails. 'minimal' skips that; a failed query's error keeps its code,
 * meta and message, and its stack still shows the awaiting functions (async stack traces).
 */
const ERROR_FORMAT = 'minimal';

async function openSqlite(url: string): Promise<Database> {
  const file = sqliteFilePath(url);
  try {
    // Created readable by the bot's user only; SQLite gives its -wal and -shm files the same mode.
    makePrivateFile(file);
    for (const extra of ['-wal', '-shm', '-journal']) if (fs.existsSync(file + extra)) fs.chmodSync(file + extra, PRIVATE_FILE_MODE);
  } catch (e) {
    throw new Error(`cannot create the folder of the SQLite database ${file}: ${(e as Error).message}`, { cause: e });
  }
  const db = new PrismaClient({ adapter: sqliteAdapter(file), errorFormat: ERROR_FORMAT });
  try {
    // Connects (running the pragmas) and checks the one setting a file system can refuse.
    const [row] = await db.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
    if (row?.journal_mode !== 'wal') throw new Error(`SQLite refused WAL journal mode for ${file} (it is "${row?.journal_mode}")`);
  } catch (e) {
    await db.$disconnect();
    throw new Error(`cannot open the SQLite database ${file}: ${(e as Error).message}`, { cause: e });
  }
  const close = async (): Promise<void> => {
    // Leaves no WAL behind: a copy of the files taken after shutdown holds only the database.
    await db.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
    await db.$disconnect();
  };
  return { db, provider: 'sqlite', url, close };
}

async function openPostgres(url: string): Promise<Database> {
  const { host, port, database } = pgConnectionFields(url);
  const db = new PgPrismaClient({ adapter: new PrismaPg({ connectionString: url }), errorFormat: ERROR_FORMAT }) as unknown as Db;
  try {
    await db.$queryRawUnsafe('SELECT 1');
  } catch (e) {
    await db.$disconnect();
    throw new Error(`cannot connect to PostgreSQL database "${database}" at ${host}:${port} (${redactUrl(url)}): ${errorMessage(e)}`, { cause: e });
  }
  return { db, provider: 'postgresql', url, close: () => db.$disconnect() };
}

/** The most telling message of an error from Prisma or a driver (the driver's own, when wrapped). */
function errorMessage(e: unknown): string {
  const cause = (e as { cause?: { message?: unknown } })?.cause;
  const message = e instanceof Error ? e.message : String(e);
  return message.trim() === '' && typeof cause?.message === 'string' ? cause.message : message.trim().split('\n').pop()!;
}

/**
 * Opens the database of `url` (a `file:` or `postgresql://` URL, see datasource.ts) and checks
 * that it answers. Throws a DatabaseUrlError for an unsupported URL, and an error naming the file
 * or server when it cannot be opened. The schema must already be migrated (migrate.ts).
 */
export async function openDatabase(url: string): Promise<Database> {
  return providerOf(url) === 'sqlite' ? openSqlite(url) : openPostgres(url);
}

/** The `constraint` a driver adapter reports for a unique violation (SQLite: fields; PostgreSQL: index name). */
interface ViolatedConstraint {
  fields?: string[];
  index?: string;
}

function violatedConstraint(err: Prisma.PrismaClientKnownRequestError): ViolatedConstraint | undefined {
  // Prisma 7 with a driver adapter puts it here, not in meta.target.
  const meta = err.meta as { driverAdapterError?: { cause?: { constraint?: ViolatedConstraint } } } | undefined;
  return meta?.driverAdapterError?.cause?.constraint;
}

/**
 * True when `err` is a unique-constraint violation (Prisma P2002, or a raw query's P2010 whose
 * driver error is one), on SQLite or PostgreSQL.
 * With `fields`, true only if the violated constraint is the one on exactly those fields (in
 * schema order, e.g. `['platform', 'eventId']`): SQLite names the fields, PostgreSQL the index,
 * which Prisma names `<Model>_<field>_<field>_key`.
 */
export function isUniqueViolation(err: unknown, fields?: readonly string[]): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return false;
  // P2010: a typed raw query failed; the driver adapter's error says why.
  const raw = err.code === 'P2010' && (err.meta as { driverAdapterError?: { cause?: { kind?: unknown } } } | undefined)?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation';
  if (err.code !== 'P2002' && !raw) return false;
  if (fields === undefined) return true;
  const constraint = violatedConstraint(err);
  if (constraint?.fields) return constraint.fields.join('\0') === fields.join('\0');
  if (constraint?.index) return constraint.index.endsWith(`_${fields.join('_')}_key`);
  return false;
}

/**
 * Which database a client or transaction client talks to, for the rare statement that must differ
 * (e.g. PostgreSQL-only SQL). Reads the generated client's `_activeProvider`, present on both the
 * client and its transaction clients in Prisma 7; throws if a Prisma upgrade removes it, so the
 * change is noticed at once rather than silently taking the wrong branch.
 */
export function providerOfClient(client: Db | Prisma.TransactionClient): Provider {
  const p = (client as unknown as { _activeProvider?: unknown })._activeProvider;
  if (p === 'sqlite' || p === 'postgresql') return p;
  throw new Error(`cannot tell the database provider of this Prisma client (_activeProvider = ${String(p)})`);
}

/**
 * After secret ballots were written (outside any transaction, on the whole client): SQLite copies
 * the WAL into the database and truncates it to zero bytes, so its frames no longer show which rows
 * one commit wrote; PostgreSQL vacuums `tables`, so no dead row version outlives the batch.
 * (PostgreSQL's own WAL files are the server's: see the README, "The promise".)
 */
export async function scrubAfterSecretWrite(db: Db, tables: readonly string[]): Promise<void> {
  if (providerOfClient(db) === 'sqlite') {
    await db.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
    return;
  }
  await db.$executeRawUnsafe(`VACUUM ${tables.map((t) => `"${t.replace(/"/g, '')}"`).join(', ')}`);
}
