#!/usr/bin/env node
// prisma/engine: the project's stand-in for Prisma's native `schema-engine` binary, so that every
// `npx prisma ...` command (migrate dev/deploy/status/reset/diff, db push/execute) works offline.
//
// Why: the prisma CLI downloads a native schema-engine on first use; a machine that cannot reach
// Prisma's host cannot migrate, and no npm or Debian package ships the binary. Prisma publishes the
// same engine compiled to WebAssembly (@prisma/schema-engine-wasm), which talks to the database
// through the driver adapters the app already uses. This executable speaks the native engine's
// command line and stdin/stdout JSON-RPC and forwards to it. prisma.config.ts points
// PRISMA_SCHEMA_ENGINE_BINARY here (unless already set), so nothing needs to be configured.
//
//   schema-engine.mjs  this launcher: loads tsx, then server.ts (errors become a line the CLI shows)
//   server.ts          command line, `cli` subcommands, JSON-RPC loop
//   session.ts         one Wasm engine on one database; work-arounds W1 (devDiagnostic before
//                      createMigration), W2 (create _prisma_migrations on P1014), W6 (SQLite reset
//                      deletes the file)
//   adapters.ts        driver adapters; W3 (SQLite multi-statement executeRaw), W4 (PostgreSQL
//                      "char" columns), W5 (PostgreSQL shadow database)
//   wasm.ts            loads the pinned Wasm build
//   migration-list.ts  reads a migrations folder into the engine's shape
import { register } from 'tsx/esm/api';

try {
  register();
  const { main } = await import('./server.ts');
  await main(process.argv.slice(2));
} catch (e) {
  // Not a JSON-RPC error: the engine could not start. The CLI prints the ERROR line's message.
  const line = (level, message) => JSON.stringify({ level, fields: { message, error_code: 'P1001' }, target: 'schema_engine::logger' });
  process.stderr.write(line('INFO', 'schema-engine stand-in') + '\n');
  process.stderr.write(line('ERROR', `schema-engine stand-in could not start: ${e?.stack ?? e}`) + '\n');
  process.exitCode = 1;
}
// Connections are closed by now; do not wait for idle timers of a pool.
process.exit(process.exitCode ?? 0);
