// Tasks over Telegram: the real app around the real TelegramAdapter (telegraf over HTTP) against the
// fake Bot API server. Authorization through the platform: a secretary cannot hand a task to
// another village, a member cannot report on a task that is neither theirs nor their village's;
// the owner's progress with a photo sent just before stores the photo with its SHA-256.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Clock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { TelegramAdapter } from '../../../src/adapters/telegram/adapter.ts';
import { FakeTelegram, type FakeUser } from '../../support/fake-telegram.ts';
import { freshSqlite } from '../../support/db.ts';

const admin: FakeUser = { id: 1001, first_name: '管理员' };
const wang: FakeUser = { id: 3003, first_name: '王书记' };
const li: FakeUser = { id: 4004, first_name: '李党员' };
const jia = { id: -1009001, title: 'Jia' };
const yi = { id: -1009002, title: 'Yi' };

let fake: FakeTelegram | undefined;
let app: App | undefined;
let db: (Database & { close(): Promise<void> }) | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await app?.stop();
  await fake?.stop();
  await db?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  app = undefined;
  fake = undefined;
  db = undefined;
  dataDir = undefined;
});

/** Polls `check` until it holds (at most 10 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in 10 s');
}

it('over Telegram a secretary tasks only their own village, a member reports only on their own; progress evidence is stored', { timeout: 60_000 }, async () => {
  db = await freshSqlite();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-task-evidence-'));
  const t0 = Date.now();
  const clock: Clock = { now: () => new Date(Date.parse('2026-12-01T02:00:00Z') + Date.now() - t0) };
  const f = new FakeTelegram({ clock: () => clock.now().getTime() });
  fake = f;
  await f.start();
  const config = loadConfig({ DATABASE_URL: db.url, BOT_ADMINS: `telegram:${admin.id}`, TELEGRAM_BOT_TOKEN: f.token, TELEGRAM_API_ROOT: f.apiRoot, BOT_DATA_DIR: dataDir });
  const logger = pino({ level: 'silent' });
  const adapter = new TelegramAdapter({
    token: f.token, apiRoot: f.apiRoot, logger, locale: 'zh-CN', clock,
    commands: () => app!.registry.commands.map((c) => ({ name: c.name, description: app!.translate(c.summaryKey) })),
    retryDelayMs: { initial: 5, max: 20 },
  });
  app = createApp({ config, database: db, adapters: [adapter], logger, clock, outbox: { idleMs: 20, rateTimeScale: 50 } });
  await app.start();
  const say = async (chat: typeof jia, from: FakeUser, text: string): Promise<string> => {
    const before = f.sent(chat.id).length;
    f.injectGroupMessage({ chat, from, text });
    await f.waitFor(() => f.sent(chat.id).length > before, `the reply to ${text}`);
    await app!.idle('telegram');
    return f.sent(chat.id).slice(before).map((c) => String(c.payload.text ?? '')).join('\n');
  };

  expect(await say(jia, admin, '/bindchat 甲村党支部')).toContain('甲村党支部');
  expect(await say(yi, admin, '/bindchat 乙村党支部')).toContain('乙村党支部');
  await say(jia, wang, '/whoami');
  await say(yi, li, '/whoami');
  expect(await say(jia, admin, '/setrole 王书记 书记')).toContain('书记');

  expect(await say(jia, wang, '/task 清理河道 乙村党支部')).toBe('书记只能给本村派任务。');
  const created = await say(jia, wang, '/task 清理河道');
  const id = /#(\d+)/.exec(created)![1];
  expect(await say(yi, li, `/progress #${id} 我去看了 +10%`)).toBe(`任务 #${id} 不是你负责的，也不是你村的。`);
  expect(await db.db.taskProgress.count()).toBe(0);

  const photo = Buffer.from('photo of the cleaned river');
  f.addFile('river-photo', 'river.jpg', photo);
  const events = await db.db.inboundEvent.count();
  f.injectGroupMessage({ chat: jia, from: wang, photoFileId: 'river-photo' });
  await until(async () => (await db!.db.inboundEvent.count()) > events);
  expect(await say(jia, wang, `/progress #${id} 已清理一半 +50%`)).toContain(`已记下任务 #${id} 的进展，现在 50%。`);
  await until(async () => JSON.parse((await db!.db.taskProgress.findFirstOrThrow()).evidence).every((e: { sha256?: string }) => e.sha256));
  const [evidence] = JSON.parse((await db.db.taskProgress.findFirstOrThrow()).evidence) as { ref: string; sha256: string; path: string }[];
  const sha = crypto.createHash('sha256').update(photo).digest('hex');
  expect(evidence).toMatchObject({ ref: 'river-photo', sha256: sha });
  expect(fs.readFileSync(path.join(dataDir, evidence!.path))).toEqual(photo);
});
