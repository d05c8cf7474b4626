// The two flavours of one schema. prisma/schema/ (SQLite flavour) is the only source; the
// PostgreSQL flavour is derived from it on demand: the datasource provider becomes "postgresql" and
// the generator writes to src/db/generated/postgresql. The derived copy lives in a git-ignored
// folder (node_modules/.xianfeng/schema-postgresql) and is rewritten whenever it is asked for, so
// it can never drift from the source. Used by prisma.config.ts, prisma/generate.ts,
// prisma/new-migration.ts and the tests.
import fs from 'node:fs';
import path from 'node:path';
import { providerOf, type Provider } from '../src/db/datasource.ts';
import { PROJECT_ROOT } from '../src/db/paths.ts';

/** One schema file: where it lives and what it holds. */
export interface SchemaFile {
  path: string;
  content: string;
}

/** Everything the prisma CLI needs to know for one provider. */
export interface Flavour {
  provider: Provider;
  /** Folder of .prisma files for this provider. */
  schemaDir: string;
  /** The schema files in that folder, sorted by name. */
  files: SchemaFile[];
  /** Committed migrations of this provider. */
  migrationsDir: string;
}

/** Where the schema, its derived flavour, the migrations and the clients live. */
export interface Layout {
  /** The source schema (SQLite flavour). */
  schemaDir: string;
  /** Where the PostgreSQL flavour is written (git-ignored). */
  derivedPostgresDir: string;
  migrationsDirs: Readonly<Record<Provider, string>>;
  clientDirs: Readonly<Record<Provider, string>>;
}

/** The project's layout under `root` (another root: a scratch copy, for tests of the tools). */
export function layoutAt(root: string): Layout {
  return {
    schemaDir: path.join(root, 'prisma', 'schema'),
    derivedPostgresDir: path.join(root, 'node_modules', '.xianfeng', 'schema-postgresql'),
    migrationsDirs: { sqlite: path.join(root, 'prisma', 'migrations'), postgresql: path.join(root, 'prisma', 'migrations-postgresql') },
    clientDirs: { sqlite: path.join(root, 'src', 'db', 'generated', 'sqlite'), postgresql: path.join(root, 'src', 'db', 'generated', 'postgresql') },
  };
}

/** This project's layout (the same paths as src/db/paths.ts). */
export const PROJECT_LAYOUT: Layout = layoutAt(PROJECT_ROOT);

/** Reads the .prisma files of a folder, sorted by name. Throws a clear error if there are none. */
export function readSchemaFiles(dir: string): SchemaFile[] {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.prisma')).sort() : [];
  if (names.length === 0) throw new Error(`no .prisma files in ${dir}`);
  return names.map((n) => ({ path: path.join(dir, n), content: fs.readFileSync(path.join(dir, n), 'utf8') }));
}

// A top-level block (`datasource db { ... }`, `generator client { ... }`), closed by a `}` alone on its line.
const BLOCK = /^[ \t]*(datasource|generator)[ \t]+(\w+)[ \t]*\{[^\n]*\n([\s\S]*?)^[ \t]*\}/gm;

/**
 * The PostgreSQL flavour of SQLite-flavoured schema files, to be written into `targetDir`: the
 * datasource provider `"sqlite"` becomes `"postgresql"`, and the generator whose output is the SQLite
 * client folder writes to the PostgreSQL client folder instead. Everything else is kept byte for byte.
 * Throws if the source does not have exactly one sqlite datasource and one such generator, so a
 * reshaped core.prisma fails loudly instead of deriving something wrong.
 */
export function derivePostgresSchema(files: readonly SchemaFile[], targetDir: string, clientDirs: Layout['clientDirs']): SchemaFile[] {
  let datasources = 0;
  let generators = 0;
  const out = files.map((file) => {
    const content = file.content.replace(BLOCK, (block: string, kind: string, name: string) => {
      if (kind === 'datasource') {
        const swapped = block.replace(/^([ \t]*provider[ \t]*=[ \t]*)"sqlite"/m, '$1"postgresql"');
        if (swapped === block) throw new Error(`${file.path}: datasource ${name} must have provider = "sqlite"`);
        datasources++;
        return swapped;
      }
      return block.replace(/^([ \t]*output[ \t]*=[ \t]*)"([^"]*)"/m, (line: string, head: string, output: string) => {
        if (path.resolve(path.dirname(file.path), output) !== clientDirs.sqlite) return line;
        generators++;
        return `${head}"${path.relative(targetDir, clientDirs.postgresql).split(path.sep).join('/')}"`;
      });
    });
    const name = path.basename(file.path);
    const header = `// DERIVED from prisma/schema/${name} by prisma/schema-flavours.ts (PostgreSQL flavour). Do not edit: edit the source.\n`;
    return { path: path.join(targetDir, name), content: header + content };
  });
  if (datasources !== 1) throw new Error(`prisma/schema must hold exactly one datasource with provider = "sqlite" (found ${datasources})`);
  if (generators !== 1) {
    throw new Error(`prisma/schema must hold exactly one generator with output = the SQLite client folder ${clientDirs.sqlite} (found ${generators})`);
  }
  return out;
}

/** Writes a file only if its content changed, atomically (write + rename), so parallel readers never see half a file. */
function writeIfChanged(file: string, content: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Derives the PostgreSQL flavour of `layout.schemaDir` into `layout.derivedPostgresDir` (stale files removed) and returns its files. */
export function writePostgresSchema(layout: Layout = PROJECT_LAYOUT): SchemaFile[] {
  const targetDir = layout.derivedPostgresDir;
  const derived = derivePostgresSchema(readSchemaFiles(layout.schemaDir), targetDir, layout.clientDirs);
  fs.mkdirSync(targetDir, { recursive: true });
  for (const f of derived) writeIfChanged(f.path, f.content);
  const keep = new Set(derived.map((f) => path.basename(f.path)));
  for (const name of fs.readdirSync(targetDir)) {
    if (name.endsWith('.prisma') && !keep.has(name)) fs.rmSync(path.join(targetDir, name), { force: true });
  }
  return derived;
}

/** The schema folder, files and migrations folder for a provider (the PostgreSQL flavour freshly derived). */
export function flavourOf(provider: Provider, layout: Layout = PROJECT_LAYOUT): Flavour {
  if (provider === 'sqlite') {
    return { provider, schemaDir: layout.schemaDir, files: readSchemaFiles(layout.schemaDir), migrationsDir: layout.migrationsDirs.sqlite };
  }
  const files = writePostgresSchema(layout);
  return { provider, schemaDir: layout.derivedPostgresDir, files, migrationsDir: layout.migrationsDirs.postgresql };
}

/** The flavour a DATABASE_URL asks for (throws a clear error for an unsupported URL). */
export function flavourFor(url: string, layout: Layout = PROJECT_LAYOUT): Flavour {
  return flavourOf(providerOf(url), layout);
}
