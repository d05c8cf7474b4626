import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { derivePostgresSchema, flavourFor, layoutAt, PROJECT_LAYOUT, readSchemaFiles, writePostgresSchema } from '../../prisma/schema-flavours.ts';

const CORE = `// core
generator client {
  provider     = "prisma-client"
  output       = "../../src/db/generated/sqlite"
  moduleFormat = "esm"
}

datasource db {
  provider = "sqlite"
}

model A {
  id Int @id
}
`;

let tmp: string | undefined;
afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

/** A scratch project with prisma/schema holding `files`. */
function scratch(files: Record<string, string>) {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-flavour-'));
  const layout = layoutAt(tmp);
  fs.mkdirSync(layout.schemaDir, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(layout.schemaDir, name), content);
  return layout;
}

describe('PostgreSQL flavour of prisma/schema', () => {
  it('swaps the provider and the client folder and keeps every other byte', () => {
    const layout = scratch({ 'core.prisma': CORE, 'b.prisma': 'model B {\n  id Int @id\n}\n' });
    const [b, core] = derivePostgresSchema(readSchemaFiles(layout.schemaDir), layout.derivedPostgresDir, layout.clientDirs);
    const strip = (s: string) => s.replace(/^\/\/ DERIVED[^\n]*\n/, '');
    expect(strip(core!.content)).toBe(
      CORE.replace('provider = "sqlite"', 'provider = "postgresql"').replace('"../../src/db/generated/sqlite"', '"../../../src/db/generated/postgresql"'),
    );
    expect(strip(b!.content)).toBe('model B {\n  id Int @id\n}\n');
    expect(core!.content).toMatch(/^\/\/ DERIVED from prisma\/schema\/core.prisma .* Do not edit/);
    expect(path.resolve(path.dirname(core!.path), '../../../src/db/generated/postgresql')).toBe(layout.clientDirs.postgresql);
  });

  it('refuses a schema without exactly one sqlite datasource or without the SQLite client generator', () => {
    const noDs = scratch({ 'core.prisma': CORE.replace('provider = "sqlite"', 'provider = "postgresql"') });
    expect(() => writePostgresSchema(noDs)).toThrow(/datasource db must have provider = "sqlite"/);
    const otherOut = scratch({ 'core.prisma': CORE.replace('generated/sqlite', 'generated/other') });
    expect(() => writePostgresSchema(otherOut)).toThrow(/exactly one generator with output = the SQLite client folder/);
    const twoDs = scratch({ 'core.prisma': CORE, 'x.prisma': 'datasource other {\n  provider = "sqlite"\n}\n' });
    expect(() => writePostgresSchema(twoDs)).toThrow(/exactly one datasource .* \(found 2\)/);
  });

  it('rewrites the derived folder: new files appear, deleted ones go', () => {
    const layout = scratch({ 'core.prisma': CORE, 'gone.prisma': 'model G {\n  id Int @id\n}\n' });
    writePostgresSchema(layout);
    fs.rmSync(path.join(layout.schemaDir, 'gone.prisma'));
    fs.writeFileSync(path.join(layout.schemaDir, 'new.prisma'), 'model N {\n  id Int @id\n}\n');
    writePostgresSchema(layout);
    expect(fs.readdirSync(layout.derivedPostgresDir).sort()).toEqual(['core.prisma', 'new.prisma']);
  });

  it('is what prisma.config.ts hands the CLI for a postgresql:// URL (and prisma/schema for file:)', () => {
    expect(flavourFor('file:./data/xianfeng.db')).toMatchObject({ provider: 'sqlite', schemaDir: PROJECT_LAYOUT.schemaDir, migrationsDir: PROJECT_LAYOUT.migrationsDirs.sqlite });
    const pgFlavour = flavourFor('postgresql://h/db');
    expect(pgFlavour).toMatchObject({ provider: 'postgresql', schemaDir: PROJECT_LAYOUT.derivedPostgresDir, migrationsDir: PROJECT_LAYOUT.migrationsDirs.postgresql });
    expect(pgFlavour.files.map((f) => path.basename(f.path))).toEqual(readSchemaFiles(PROJECT_LAYOUT.schemaDir).map((f) => path.basename(f.path)));
    expect(() => flavourFor('mysql://h/db')).toThrow(/not supported/);
  });
});
