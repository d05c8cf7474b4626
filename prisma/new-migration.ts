// `npm run db:migration -- <name> [--accept-data-loss] [--no-generate]`
//
// Creates the next migration for BOTH providers from the current prisma/schema, offline:
//   prisma/migrations/<timestamp>_<name>/migration.sql             (SQLite)
//   prisma/migrations-postgresql/<timestamp>_<name>/migration.sql  (PostgreSQL)
// then regenerates both Prisma clients. Run it after adding or changing prisma/schema/*.prisma,
// review the two SQL files, and commit them with the schema change.
//
// How: for each provider the Wasm schema engine (prisma/engine) gets a scratch database (a temp
// SQLite file; a temp database on a PostgreSQL server), applies the committed migrations to it,
// and runs what `prisma migrate dev --create-only` runs (devDiagnostic, evaluateDataLoss,
// createMigration), so the SQL is exactly what Prisma would write. Your own databases are never
// touched. Then it checks that the migrations now match the schema for both providers.
//
// PostgreSQL: uses the server of $TEST_DATABASE_URL if set (the user must be allowed to create
// databases); otherwise starts a throwaway server with .ci/postgres.sh (needs the PostgreSQL
// server binaries, or root to install them) and stops it afterwards.
//
// Safe to run while others edit the tree: runs take turns (a lock in node_modules/.xianfeng), and
// nothing is written unless both providers succeed. Note that it migrates the WHOLE prisma/schema
// folder: a half-finished .prisma file of someone else's lands in your migration too, so look at
// the printed summary. A change that drops data (a dropped column or table) is refused unless you
// pass --accept-data-loss.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { pgUrlWithDatabase, quotePgIdent, type Provider } from '../src/db/datasource.ts';
import { PROJECT_ROOT, TOOLING_DIR } from '../src/db/paths.ts';
import { migrationLockContent, migrationNames, MIGRATION_LOCK_FILE, readMigrationList } from './engine/migration-list.ts';
import { EngineSession, NO_FILTERS } from './engine/session.ts';
import { generateClient } from './generate.ts';
import { flavourOf, PROJECT_LAYOUT, type Layout } from './schema-flavours.ts';

const PROVIDERS = ['sqlite', 'postgresql'] as const;

/** What Prisma writes for a migration with no steps. */
const EMPTY_MIGRATION = '-- This is an empty migration.\n';

/** Parsed command line. */
export interface MigrationArgs {
  name: string;
  acceptDataLoss: boolean;
  generate: boolean;
}

/** Parses `<name> [--accept-data-loss] [--no-generate]`; throws a one-line usage error otherwise. */
export function parseMigrationArgs(argv: readonly string[]): MigrationArgs {
  const usage = 'usage: npm run db:migration -- <name> [--accept-data-loss] [--no-generate]   (name: lower-case letters, digits, _; e.g. add_pledges)';
  const flags = argv.filter((a) => a.startsWith('--'));
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = flags.filter((f) => f !== '--accept-data-loss' && f !== '--no-generate');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n${usage}`);
  if (names.length !== 1) throw new Error(usage);
  const name = names[0]!;
  if (!/^[a-z][a-z0-9_]{0,80}$/.test(name)) throw new Error(`bad migration name "${name}"\n${usage}`);
  return { name, acceptDataLoss: flags.includes('--accept-data-loss'), generate: !flags.includes('--no-generate') };
}

/** `YYYYMMDDHHMMSS` in UTC, as Prisma names migration folders. */
export function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The folder name of the next migration: now, or one second after the newest existing one if the clock is behind it. */
export function nextMigrationName(existing: readonly string[], name: string, now: Date): string {
  const newest = existing.map((n) => /^(\d{14})_/.exec(n)?.[1]).filter((t): t is string => t !== undefined).sort().at(-1);
  let stamp = migrationTimestamp(now);
  if (newest !== undefined && stamp <= newest) {
    const t = newest.replace(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/, '$1-$2-$3T$4:$5:$6Z');
    stamp = migrationTimestamp(new Date(Date.parse(t) + 1000));
  }
  return `${stamp}_${name}`;
}

/**
 * The steps of a PostgreSQL migration script that can lose data or fail on a table with rows.
 * Prisma's own data-loss warnings count rows, and the scratch databases are empty, so they never
 * fire here; the PostgreSQL script states each change directly (SQLite's rebuilds a table for
 * most changes), so it is read instead. Both flavours come from one schema, so this covers both.
 */
export function riskySteps(postgresScript: string): string[] {
  const risks: string[] = [];
  for (const statement of postgresScript.split(/;\s*\n/)) {
    const sql = statement.replace(/^--.*$/gm, '');
    for (const m of sql.matchAll(/DROP TABLE "([^"]+)"/g)) risks.push(`drops table ${m[1]} and its rows`);
    const table = /ALTER TABLE "([^"]+)"/.exec(sql)?.[1];
    if (table === undefined) continue;
    for (const m of sql.matchAll(/DROP COLUMN "([^"]+)"/g)) risks.push(`drops column ${table}.${m[1]} and its values`);
    for (const m of sql.matchAll(/ALTER COLUMN "([^"]+)" SET DATA TYPE/g)) risks.push(`changes the type of ${table}.${m[1]} (values may not convert)`);
    for (const m of sql.matchAll(/ADD COLUMN\s+"([^"]+)"[^,]*?NOT NULL(?![^,]*DEFAULT)/g)) {
      risks.push(`adds required column ${table}.${m[1]} without a default (fails if the table has rows)`);
    }
  }
  return risks;
}

/** Takes a directory lock (mkdir is atomic); waits for a live holder, takes over a dead one's. */
async function acquireLock(dir: string): Promise<() => void> {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      return () => fs.rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(fs.existsSync(path.join(dir, 'pid')) ? fs.readFileSync(path.join(dir, 'pid'), 'utf8') : NaN);
    let alive = Number.isInteger(holder);
    if (alive) {
      try {
        process.kill(holder, 0);
      } catch {
        alive = false;
      }
    }
    if (!alive) {
      fs.rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another db:migration (pid ${holder}) has held ${dir} for 10 minutes`);
    if (!told) console.log(`waiting for another db:migration (pid ${holder}) to finish...`);
    told = true;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A PostgreSQL server to make scratch databases on, and how to let go of it. */
interface PgServer {
  url: string;
  release(): void;
}

/** $TEST_DATABASE_URL's server, or a throwaway one from .ci/postgres.sh. */
function postgresServer(log: (line: string) => void): PgServer {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return { url: given, release: () => {} };
  const script = path.join(PROJECT_ROOT, '.ci', 'postgres.sh');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-migration-pg-'));
  log('starting a throwaway PostgreSQL (.ci/postgres.sh; set TEST_DATABASE_URL to use your own server)...');
  try {
    const url = execFileSync(script, ['start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    return { url, release: () => execFileSync(script, ['stop', dir], { stdio: 'inherit' }) };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL is needed for the PostgreSQL migration: set TEST_DATABASE_URL, or install the postgresql package (${(e as Error).message.split('\n')[0]})`, { cause: e });
  }
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A scratch database for one provider, and how to remove it. */
interface Scratch {
  url: string;
  drop(): Promise<void>;
}

async function scratchDatabase(provider: Provider, server: () => PgServer): Promise<Scratch> {
  if (provider === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-migration-'));
    return { url: `file:${path.join(dir, 'scratch.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const { url: serverUrl } = server();
  const name = `xianfeng_migration_${crypto.randomBytes(5).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${quotePgIdent(name)}`);
  return { url: pgUrlWithDatabase(serverUrl, name), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${quotePgIdent(name)} WITH (FORCE)`) };
}

/** What the engine made for one provider. */
interface Draft {
  provider: Provider;
  /** null: no change for this provider. */
  script: string | null;
  warnings: string[];
  unexecutable: string[];
}

/** Runs the `migrate dev --create-only` sequence for one provider on a scratch database. */
async function draftMigration(provider: Provider, name: string, scratchUrl: string, layout: Layout): Promise<Draft> {
  const flavour = flavourOf(provider, layout);
  const schema = { files: flavour.files };
  const migrationsList = readMigrationList(flavour.migrationsDir);
  const session = await EngineSession.open({ url: scratchUrl, datamodels: flavour.files.map((f): [string, string] => [f.path, f.content]) });
  try {
    await session.call('applyMigrations', { migrationsList, filters: NO_FILTERS });
    const diagnostic = await session.call('devDiagnostic', { migrationsList, filters: NO_FILTERS });
    if (diagnostic.action.tag === 'reset') {
      throw new Error(`${provider}: the committed migrations do not replay cleanly (${diagnostic.action.reason}); fix ${flavour.migrationsDir} first`);
    }
    const loss = await session.call('evaluateDataLoss', { migrationsList, schema, filters: NO_FILTERS });
    const created = await session.call('createMigration', { draft: false, migrationName: name, migrationsList, schema, filters: NO_FILTERS });
    return {
      provider,
      script: created.migrationScript,
      warnings: loss.warnings.map((w) => w.message),
      unexecutable: loss.unexecutableSteps.map((w) => w.message),
    };
  } finally {
    await session.close();
  }
}

/** True when the committed migrations of `provider` produce exactly prisma/schema (diff empty). */
export async function migrationsMatchSchema(provider: Provider, scratchUrl: string, layout: Layout = PROJECT_LAYOUT): Promise<{ match: boolean; diff: string }> {
  const flavour = flavourOf(provider, layout);
  const session = await EngineSession.open({ url: scratchUrl, datamodels: flavour.files.map((f): [string, string] => [f.path, f.content]) });
  try {
    const result = await session.call('diff', {
      from: { tag: 'migrations', ...readMigrationList(flavour.migrationsDir) },
      to: { tag: 'schemaDatamodel', files: flavour.files },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return { match: result.exitCode === 0, diff: result.stdout ?? '' };
  } finally {
    await session.close();
  }
}

/** Options of createMigration. */
export interface CreateOptions {
  /** Where schema and migrations live; default the project (tests pass a scratch copy). */
  layout?: Layout;
  /** The time the folder is named after; default now. */
  now?: Date;
  /** Progress lines; default console.log. */
  log?: (line: string) => void;
}

/**
 * Creates the migration for both providers; returns the folder name, or null when there was
 * nothing to do. Writes nothing when it fails or refuses.
 */
export async function createMigration(args: MigrationArgs, options: CreateOptions = {}): Promise<string | null> {
  const { layout = PROJECT_LAYOUT, now = new Date(), log = console.log } = options;
  const dirs = layout.migrationsDirs;
  const sqliteNames = migrationNames(dirs.sqlite);
  const pgNames = migrationNames(dirs.postgresql);
  const unpaired = [...sqliteNames.filter((n) => !pgNames.includes(n)), ...pgNames.filter((n) => !sqliteNames.includes(n))];
  if (unpaired.length > 0) {
    throw new Error(`prisma/migrations and prisma/migrations-postgresql must hold the same migrations; only in one of them: ${unpaired.join(', ')}`);
  }
  let server: PgServer | undefined;
  const getServer = (): PgServer => (server ??= postgresServer(log));
  const scratches: Scratch[] = [];
  try {
    const drafts: Draft[] = [];
    for (const provider of PROVIDERS) {
      const scratch = await scratchDatabase(provider, getServer);
      scratches.push(scratch);
      drafts.push(await draftMigration(provider, args.name, scratch.url, layout));
    }
    if (drafts.every((d) => d.script === null)) {
      log('No changes: the committed migrations already match prisma/schema for SQLite and PostgreSQL.');
      return null;
    }
    const postgres = drafts.find((d) => d.provider === 'postgresql')!;
    const warnings = [
      ...new Set([
        ...riskySteps(postgres.script ?? '').map((w) => `  ${w}`),
        ...drafts.flatMap((d) => [...d.warnings, ...d.unexecutable].map((w) => `  ${d.provider}: ${w}`)),
      ]),
    ];
    if (warnings.length > 0 && !args.acceptDataLoss) {
      throw new Error(`this change can lose data or fail on existing rows:\n${warnings.join('\n')}\nre-run with --accept-data-loss if that is intended`);
    }
    const folder = nextMigrationName(sqliteNames, args.name, now);
    const written: string[] = [];
    for (const d of drafts) {
      const dir = dirs[d.provider];
      fs.mkdirSync(path.join(dir, folder), { recursive: true });
      const file = path.join(dir, folder, 'migration.sql');
      fs.writeFileSync(file, d.script ?? EMPTY_MIGRATION);
      written.push(file);
      const lock = path.join(dir, MIGRATION_LOCK_FILE);
      if (!fs.existsSync(lock)) fs.writeFileSync(lock, migrationLockContent(d.provider));
    }
    for (const [i, provider] of PROVIDERS.entries()) {
      const { match, diff } = await migrationsMatchSchema(provider, scratches[i]!.url, layout);
      if (!match) {
        for (const file of written) fs.rmSync(path.dirname(file), { recursive: true, force: true });
        throw new Error(`${provider}: the new migration does not bring the migrations in line with the schema (removed it again); remaining difference:\n${diff}`);
      }
    }
    for (const file of written) log(`created ${path.relative(PROJECT_ROOT, file)}`);
    if (warnings.length > 0) log(`accepted data loss:\n${warnings.join('\n')}`);
    return folder;
  } finally {
    for (const s of scratches) await s.drop();
    server?.release();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  let release: (() => void) | undefined;
  try {
    const args = parseMigrationArgs(process.argv.slice(2));
    release = await acquireLock(path.join(TOOLING_DIR, 'db-migration.lock'));
    const folder = await createMigration(args);
    if (folder !== null && args.generate) {
      for (const provider of PROVIDERS) generateClient(provider);
      console.log('regenerated the Prisma clients (src/db/generated/sqlite, src/db/generated/postgresql)');
    }
    if (folder !== null) console.log(`next: review both migration.sql files, run \`npx vitest run test/db\`, commit prisma/schema and both ${folder} folders`);
  } catch (e) {
    console.error(`db:migration: ${(e as Error).message}`);
    process.exitCode = 1;
  } finally {
    release?.();
  }
}
