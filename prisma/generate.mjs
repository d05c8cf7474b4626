// `npm ci` runs this (postinstall): generates the Prisma client for both providers into
// src/db/generated/{sqlite,postgresql}. Works offline: `prisma generate` needs no engine binary.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { derivePostgresSchema, ROOT, SQLITE_SCHEMA } from './flavours.mjs';

const cli = path.join(ROOT, 'node_modules', 'prisma', 'build', 'index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
for (const schema of [SQLITE_SCHEMA, derivePostgresSchema()]) {
  execFileSync(process.execPath, [cli, 'generate', '--schema', schema], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
}
console.log('generated Prisma clients: src/db/generated/sqlite, src/db/generated/postgresql');
