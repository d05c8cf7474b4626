import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('loadConfig', () => {
  it('has the spec defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBe('file:./data/xianfeng.db');
    expect(c.BOT_TIMEZONE).toBe('Asia/Shanghai');
    expect(c.BOT_LOCALE).toBe('zh-CN');
    expect(c.BOT_ADMINS).toEqual([]);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.platforms.env.telegram).toMatchObject({ TELEGRAM_API_ROOT: 'https://api.telegram.org' });
    expect((c.platforms.env.telegram as { TELEGRAM_BOT_TOKEN?: string }).TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(c.platforms.enabled).toEqual(['console']);
    expect(c.platforms.secretValues).toEqual([]);
  });

  it('enables the platforms whose variables are set, and knows their secrets', () => {
    const c = loadConfig({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLmnop', WECHATY_PUPPET: 'wechaty-puppet-mock' });
    expect(c.platforms.enabled).toEqual(['telegram', 'wechat']);
    expect(c.platforms.secretValues).toEqual(['123456:ABCDEFGHIJKLmnop']);
  });

  it('parses BOT_ADMINS, with spaces and a full-width comma', () => {
    expect(loadConfig({ BOT_ADMINS: 'telegram:1001, wechat:wxid_abc，console:管理员' }).BOT_ADMINS).toEqual([
      { platform: 'telegram', userId: '1001' },
      { platform: 'wechat', userId: 'wxid_abc' },
      { platform: 'console', userId: '管理员' },
    ]);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: must be a SQLite file URL/],
    [{ DATABASE_URL: '' }, /^DATABASE_URL: must not be empty/],
    [{ BOT_TIMEZONE: 'Mars/Base' }, /^BOT_TIMEZONE: is not an IANA time zone.*\(got "Mars\/Base"\)$/],
    [{ BOT_LOCALE: 'fr' }, /^BOT_LOCALE: must be zh-CN or en/],
    [{ BOT_ADMINS: 'icq:1' }, /^BOT_ADMINS: "icq:1" is not platform:userId/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: must be a pino level/],
    [{ PORT: 'eighty' }, /^PORT: /],
    [{ TELEGRAM_BOT_TOKEN: 'nope' }, /^TELEGRAM_BOT_TOKEN: does not look like a bot token \(123456:ABC-…\) \(got "\*\*\*"\)$/],
    [{ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLmnop', TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hook' }, /^TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_WEBHOOK_URL is set$/],
  ])('rejects %j with one clear line', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never echoes a password of DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://u:hunter2@:bad' })).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: 'postgresql://u:hunter2@:bad' });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});

describe('npm start with a bad configuration', () => {
  it.each([
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['BOT_TIMEZONE', 'Mars/Base'],
  ])('%s stops start-up with one line and exit code 1, before connecting', (name, value) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, [name]: value },
      input: '/help\n',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${name}: `);
    expect(r.stdout).toBe('');
  });
});
