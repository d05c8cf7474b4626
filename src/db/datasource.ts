// Reading a DATABASE_URL: which provider it names, where a SQLite file lives, how to reach a
// PostgreSQL server. Shared by the runtime (client.ts, migrate.ts), the schema-engine stand-in in
// prisma/engine/ and the tools in prisma/, so every one of them reads a URL the same way.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The database kinds Xianfeng runs on. */
export type Provider = 'sqlite' | 'postgresql';

/** The default DATABASE_URL (spec/commands.md): a SQLite file under ./data. */
export const DEFAULT_DATABASE_URL = 'file:./data/xianfeng.db';

/** Thrown for a DATABASE_URL that names no supported database; the message is one clear line. */
export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

/**
 * The provider a URL names: `file:` is SQLite, `postgresql://` or `postgres://` is PostgreSQL.
 * Anything else throws a DatabaseUrlError that says what is accepted.
 */
export function providerOf(url: string): Provider {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new DatabaseUrlError('DATABASE_URL is empty: use file:./data/xianfeng.db (SQLite) or postgresql://user:pass@host:5432/db');
  }
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new DatabaseUrlError(
    `DATABASE_URL "${redactUrl(url)}" is not supported: use file:<path> (SQLite) or postgresql://user:pass@host:5432/db`,
  );
}

/**
 * The absolute path of the SQLite file a `file:` URL names. Relative paths are resolved against
 * `cwd` (the project root when the bot or the prisma CLI is started there); a query string such as
 * `?connection_limit=1` is ignored. `file::memory:` is rejected: Xianfeng needs a durable file.
 */
export function sqliteFilePath(url: string, cwd: string = process.cwd()): string {
  if (providerOf(url) !== 'sqlite') throw new DatabaseUrlError(`not a SQLite URL: "${redactUrl(url)}"`);
  const withoutQuery = url.replace(/[?#].*$/, '');
  const raw = withoutQuery.startsWith('file://') ? fileURLToPath(withoutQuery) : withoutQuery.slice('file:'.length);
  if (raw === '' || raw === ':memory:') {
    throw new DatabaseUrlError(`DATABASE_URL "${url}" names no file: use e.g. file:./data/xianfeng.db`);
  }
  return path.resolve(cwd, decodeURIComponent(raw));
}

/** Connection fields of a PostgreSQL URL, split out so a caller can point them at another database. */
export interface PgConnectionFields {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** Everything after `?` (sslmode, application_name, ...), passed on untouched. */
  search: string;
}

/**
 * Splits a PostgreSQL URL into its fields (user, password and database percent-decoded).
 * Throws a DatabaseUrlError naming the problem for a malformed URL or one without a host.
 */
export function pgConnectionFields(url: string): PgConnectionFields {
  if (providerOf(url) !== 'postgresql') throw new DatabaseUrlError(`not a PostgreSQL URL: "${redactUrl(url)}"`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DatabaseUrlError(`DATABASE_URL "${redactUrl(url)}" is not a valid URL`);
  }
  if (!u.hostname) throw new DatabaseUrlError(`DATABASE_URL "${redactUrl(url)}" names no host`);
  const port = u.port === '' ? 5432 : Number(u.port);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return {
    host: decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1'),
    port,
    user: decodeURIComponent(u.username) || 'postgres',
    password: u.password === '' ? undefined : decodeURIComponent(u.password),
    database: database === '' ? 'postgres' : database,
    search: u.search,
  };
}

/** The same PostgreSQL URL pointing at another database on the same server (credentials kept). */
export function pgUrlWithDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

/** The URL with its password replaced by `***`, safe for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** Quotes a PostgreSQL identifier (a database name) for use in DDL. */
export function quotePgIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
