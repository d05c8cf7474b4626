// Spawning the real prisma CLI the way a developer's shell would, minus their environment.
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/db/paths.ts';

const CLI = path.join(PROJECT_ROOT, 'node_modules', 'prisma', 'build', 'index.js');

/** How a CLI run ended: exit code and stdout + stderr. */
export interface CliRun {
  code: number;
  output: string;
}

/**
 * Runs `prisma <args>` in `cwd` with only PATH, HOME and DATABASE_URL in its environment (no
 * PRISMA_SCHEMA_ENGINE_BINARY: the project's prisma.config.ts must provide it). Never rejects.
 */
export function prisma(args: string[], databaseUrl: string, cwd: string = PROJECT_ROOT, timeoutMs = 230_000): Promise<CliRun> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), DATABASE_URL: databaseUrl };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}
