// A platform is a module: a test-only platform registers through a modules list alone and runs a
// whole conversation; no core file names a platform; secrets named by any module never reach logs.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { PLATFORM_MODULES } from '../../src/adapters/index.ts';
import { buildAdapters } from '../../src/adapters/build.ts';
import { createApp, type App } from '../../src/app.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import { freshSqlite } from '../support/db.ts';
import { loopAdapters, loopPlatform } from '../support/loop-platform.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'loop-secret-0123456789';
const modules = [...PLATFORM_MODULES, loopPlatform];

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('platform modules', () => {
  it('a test-only platform runs a conversation, registered through the modules list alone', async () => {
    const database = await freshSqlite();
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const config = loadConfig({ DATABASE_URL: database.url, LOOPCHAT_ENABLED: '1', LOOPCHAT_SECRET: SECRET, BOT_ADMINS: 'loopchat:boss' }, modules);
    expect(config.platforms.enabled).toEqual(['loopchat']);
    const logger = createLogger('trace', sink, config.platforms.secretValues);
    const clock = new ManualClock(new Date('2026-12-01T02:00:00Z'));
    const holder: { app?: App } = {};
    const adapters = await buildAdapters(
      config,
      { logger, clock, locale: 'zh-CN', botName: '先锋', dataDir: '/nonexistent', instanceId: 't', http: new HttpServer(), database, commands: () => [], translate: (k, v) => holder.app!.translate(k, v), idle: (p) => holder.app!.idle(p) },
      modules,
    );
    const adapter = loopAdapters.at(-1)!;
    expect(adapters).toEqual([adapter]);
    app = holder.app = createApp({ config, database, adapters, logger, clock, outbox: { idleMs: 20 } });
    await app.start();
    const t = app.translate;
    const say = async (user: string, text: string, opts: { private?: boolean } = {}) => {
      const before = adapter.sent.length;
      await adapter.deliver(adapter.message(user, text, { sentAt: clock.now(), ...opts }));
      await app!.idle('loopchat');
      return adapter.sent.slice(before).map((d) => (d.message.kind === 'text' ? d.message.text : d.message.kind));
    };
    // A group no admin has bound answers nobody but an admin's /bindchat (and /help's bind hint).
    expect(await say('李四', '/bindchat 东北流村党支部')).toEqual([]);
    expect(await say('李四', '/help')).toEqual([t('core.outsider.unboundHelp')]);
    expect((await say('boss', '＃绑定群 东北流村党支部'))[0]).toContain('东北流村党支部');
    const whoami = (await say('李四', '#我'))[0]!;
    expect(whoami).toContain('李四');
    expect(whoami).toContain('东北流村党支部');
    expect((await say('李四', '/whoami', { private: true }))[0]).toContain('李四');
    expect(adapter.sent.every((d) => d.chat.platform === 'loopchat')).toBe(true);
    const log = lines.join('');
    expect(log).toContain('loopchat connecting');
    expect(log).not.toContain(SECRET);
    expect(log).toContain('connecting with ***');
  });

  it('validates a module’s own variables and its name in BOT_ADMINS, and redacts its secret in the error', () => {
    expect(() => loadConfig({ LOOPCHAT_SECRET: 'short' }, modules)).toThrow(new ConfigError('LOOPCHAT_SECRET: must be at least 8 characters (got "***")'));
    expect(loadConfig({ BOT_ADMINS: 'loopchat:boss' }, modules).BOT_ADMINS).toEqual([{ platform: 'loopchat', userId: 'boss' }]);
    expect(() => loadConfig({ BOT_ADMINS: 'loopchat:boss' })).toThrow(/is not platform:userId/);
  });

  it('no source file outside src/adapters/ names a platform or imports an SDK', () => {
    const names = PLATFORM_MODULES.map((m) => m.name).filter((n) => n !== 'console');
    expect(names.length).toBeGreaterThanOrEqual(2);
    const words = new RegExp(`\\b(${[...names, 'telegraf', 'wechaty', 'wecom', 'dingtalk'].join('|')})`, 'i');
    const offenders = filesUnder(path.join(root, 'src'))
      .filter((f) => !f.includes(`${path.sep}adapters${path.sep}`) && !f.includes(`${path.sep}generated${path.sep}`))
      .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').map((line, i) => [f, i + 1, line] as const))
      .filter(([, , line]) => words.test(line) || /['"]console['"]/.test(line))
      .map(([f, n, line]) => `${path.relative(root, f)}:${n}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
