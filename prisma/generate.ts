// Generates both Prisma clients from prisma/schema: src/db/generated/sqlite (the type the app
// codes against) and src/db/generated/postgresql (used at runtime for postgresql:// URLs). Run by
// `npm ci` (postinstall) and `npm run db:generate`. Offline: `prisma generate` needs no engine
// download (prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY at the stand-in, which generate
// does not even start).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../src/db/paths.ts';
import type { Provider } from '../src/db/datasource.ts';

/** A URL of each provider: prisma.config.ts picks the schema flavour from DATABASE_URL; nothing connects to it. */
const FLAVOUR_URLS: Record<Provider, string> = {
  sqlite: 'file:./data/xianfeng.db',
  postgresql: 'postgresql://localhost:5432/xianfeng',
};

/** Runs `prisma generate` for one provider; throws with the CLI's output if it fails. */
export function generateClient(provider: Provider): void {
  const cli = path.join(PROJECT_ROOT, 'node_modules', 'prisma', 'build', 'index.js');
  const env = { ...process.env, DATABASE_URL: FLAVOUR_URLS[provider], PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
  const run = spawnSync(process.execPath, [cli, 'generate'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`prisma generate (${provider}) failed with exit code ${run.status}:\n${run.stdout}${run.stderr}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    for (const provider of ['sqlite', 'postgresql'] as const) generateClient(provider);
    console.log('generated Prisma clients: src/db/generated/sqlite, src/db/generated/postgresql');
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
