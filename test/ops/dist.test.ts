// `npm run build` output runs on plain node (no tsx loader): the compiled bot answers a piped
// console session, reading prompts/ and prisma/migrations/ from next to dist/ and migrating a
// fresh SQLite file on the way. The build imports neither tsx nor the Prisma CLI.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

it('npm run build compiles to dist/, and node dist/main.js runs a piped console session', () => {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.stderr + build.stdout).toBe('');
  expect(build.status).toBe(0);

  const js = filesUnder(path.join(ROOT, 'dist')).filter((f) => f.endsWith('.js'));
  expect(js).toContain(path.join(ROOT, 'dist', 'main.js'));
  const runtimeOnlyPackages = /from\s*["'](tsx|prisma|@prisma\/schema-engine-wasm)(\/[^"']*)?["']|import\(["'](tsx|prisma)["']/;
  expect(js.filter((f) => runtimeOnlyPackages.test(fs.readFileSync(f, 'utf8')))).toEqual([]);
  expect(js.filter((f) => /from\s*["']\.{1,2}\/[^"']*\.ts["']/.test(fs.readFileSync(f, 'utf8')))).toEqual([]);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-dist-'));
  try {
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      input: '/help 打卡\n:dm\n/whoami\n',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: `file:${path.join(dir, 'bot.db')}`, BOT_DATA_DIR: dir, BOT_LOCALE: 'zh-CN' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('管理员@私聊> /whoami');
    expect(run.stdout).toMatch(/先锋: 姓名：管理员\n\s+身份：管理员/);
    expect(run.stdout).toContain('管理员@控制台> /help 打卡');
    expect(run.stdout).toContain("用法：/checkin");
    expect(fs.existsSync(path.join(dir, 'bot.db'))).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
