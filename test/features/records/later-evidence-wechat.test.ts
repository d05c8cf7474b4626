// Photos sent AFTER /minutes on WeChat: the real app around the real WechatAdapter on Wechaty and
// wechaty-puppet-mock. A picture alone from the secretary 9 minutes after /minutes attaches and is
// stored with its SHA-256; the puppet delivering that message again stores nothing more; a picture
// 11 minutes after, or one with no minutes before it, gets no reply and is not stored.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { WechatAdapter } from '../../../src/adapters/wechat/adapter.ts';
import type { Clock } from '../../../src/clock.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/client.ts';
import { freshSqlite } from '../../support/db.ts';
import { captureLogger, createMockedWechat, loggedIn, UNPACED } from '../../support/wechat-mock.ts';

let app: App | undefined;
let database: (Database & { close(): Promise<void> }) | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await app?.stop();
  await database?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  app = undefined;
  database = undefined;
  dataDir = undefined;
});

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in 10 s');
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

it('a picture after /minutes on WeChat: 9 minutes attaches, redelivery stores once, 11 minutes and no minutes get nothing', { timeout: 60_000 }, async () => {
  database = await freshSqlite();
  const db = database.db;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-wechat-later-'));
  const t0 = Date.now();
  let skipped = 0;
  const clock: Clock = { now: () => new Date(Date.parse('2026-03-02T12:30:00Z') + Date.now() - t0 + skipped) };
  const wx = createMockedWechat({ members: ['王书记', '张三'] });
  const secretary = wx.members['王书记']!;
  const config = loadConfig({ DATABASE_URL: database.url, BOT_ADMINS: `wechat:${secretary.id}`, BOT_DATA_DIR: dataDir });
  const { logger, lines } = captureLogger();
  const adapter = new WechatAdapter({ puppet: wx.puppet, dataDir, logger, botNames: [config.BOT_NAME], printQr: () => {}, clock, pacing: UNPACED });
  app = createApp({ config, database, adapters: [adapter], logger: pino({ level: 'silent' }), clock, outbox: { idleMs: 20, rateTimeScale: 100 } });
  await app.start();
  wx.login();
  await loggedIn(lines, 1);

  /** Runs `send` and waits until its event is processed; the bot's replies to it. */
  const processed = async (send: () => string | void): Promise<string> => {
    const before = wx.sent.items.length;
    const done = await db.inboundEvent.count({ where: { status: { not: 'received' } } });
    send();
    await until(async () => (await db.inboundEvent.count({ where: { status: { not: 'received' } } })) > done);
    await app!.idle('wechat');
    return wx.sent.items.slice(before).map((s) => s.text ?? '').join('\n');
  };
  const say = (text: string) => processed(() => wx.say(secretary, text, { timestamp: clock.now().getTime() }));
  const evidenceFiles = () => (fs.existsSync(path.join(dataDir!, 'evidence')) ? fs.readdirSync(path.join(dataDir!, 'evidence'), { recursive: true }).filter((n) => String(n).includes('.')) : []);
  const attachments = async () => JSON.parse((await db.meetingMinutes.findFirstOrThrow()).attachments) as { ref: string; sha256?: string; path?: string }[];

  await say('/bindchat 东北流村党支部');
  await processed(() => wx.say(wx.members['张三']!, '大家好', { timestamp: clock.now().getTime() }));
  expect(await processed(() => wx.sendImage(secretary))).toBe(''); // no minutes yet: silence, nothing fetched
  expect(evidenceFiles()).toEqual([]);
  skipped += 11 * 60_000;
  await say('/meeting 支委会 | 0 20 * * 1 | 村委会议室 --kind 支委会');
  await say('/attendance #1 到:1');
  expect(await say('/minutes #1 议题：春耕安排\n决议：下周一开始')).toContain('已记录 #1 支委会');

  skipped += 9 * 60_000;
  let picture = '';
  expect(await processed(() => void (picture = wx.sendImage(secretary)))).toContain('已附上照片，记录 #1 支委会');
  await until(async () => (await attachments()).every((a) => a.sha256));
  const png = Buffer.from('not really a png'); // what the mock's sendImage sends
  const unit = (await db.meetingMinutes.findFirstOrThrow()).unitId;
  expect(await attachments()).toMatchObject([{ ref: picture, sha256: sha(png), path: `evidence/${unit}/${sha(png)}.png` }]);
  const stored = path.join(dataDir, 'evidence', String(unit), `${sha(png)}.png`);
  expect(fs.statSync(stored).mode & 0o777).toBe(0o600);

  // The puppet delivers the same message again: the inbox knows it; no reply, nothing stored twice.
  const events = await db.inboundEvent.count();
  wx.redeliver(picture);
  await new Promise((r) => setTimeout(r, 300));
  await app.idle('wechat');
  expect(await db.inboundEvent.count()).toBe(events);
  expect(await attachments()).toHaveLength(1);
  expect(evidenceFiles()).toHaveLength(1);

  skipped += 2 * 60_000; // 11 minutes after /minutes
  expect(await processed(() => wx.sendFile(secretary, '签到表.pdf', Buffer.from('%PDF-1.4 late')))).toBe('');
  expect(await attachments()).toHaveLength(1);
  expect(evidenceFiles()).toHaveLength(1);
});
