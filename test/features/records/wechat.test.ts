// Minutes on WeChat: the real app around the real WechatAdapter on Wechaty and wechaty-puppet-mock.
// A picture and a file sent shortly before /minutes are fetched from the message's FileBox after the
// commit, stored with their SHA-256 and listed in the ledger's CSV; a picture sent 11 minutes
// earlier is left out.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { FileBox } from 'file-box';
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

/** Polls `check` until it holds (at most 20 s: the export renders a page). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in 20 s');
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

it('minutes with a picture and a file on WeChat: stored with the checksum, listed in the export; an older picture is left out', { timeout: 60_000 }, async () => {
  database = await freshSqlite();
  const db = database.db;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-wechat-evidence-'));
  // Real time flowing, shifted to Monday 2 March 2026 20:30 in Shanghai; `skipped` jumps it forward.
  const t0 = Date.now();
  let skipped = 0;
  const clock: Clock = { now: () => new Date(Date.parse('2026-03-02T12:30:00Z') + Date.now() - t0 + skipped) };
  const wx = createMockedWechat({ members: ['王书记', '张三'] });
  const secretary = wx.members['王书记']!;
  const config = loadConfig({ DATABASE_URL: database.url, BOT_ADMINS: `wechat:${secretary.id}`, BOT_DATA_DIR: dataDir });
  const { logger, lines } = captureLogger();
  const adapter = new WechatAdapter({ puppet: wx.puppet, dataDir, logger, botNames: [config.BOT_NAME], printQr: () => {}, clock, pacing: UNPACED });
  expect(adapter.capabilities.downloads).toBe(true);
  app = createApp({ config, database, adapters: [adapter], logger: pino({ level: 'silent' }), clock, outbox: { idleMs: 20, rateTimeScale: 100 } });
  await app.start();
  wx.login();
  await loggedIn(lines, 1);

  const recorded = async (send: () => string) => {
    const events = await db.inboundEvent.count();
    const id = send();
    await until(async () => (await db.inboundEvent.count()) > events);
    return id;
  };
  const say = async (text: string): Promise<string> => {
    const before = wx.sent.items.length;
    await recorded(() => wx.say(secretary, text, { timestamp: clock.now().getTime() }));
    await until(async () => wx.sent.items.length > before);
    await app!.idle('wechat');
    return wx.sent.items.slice(before).map((s) => s.text ?? '').join('\n');
  };

  expect(await say('/bindchat 东北流村党支部')).toContain('东北流村党支部');
  await recorded(() => wx.say(wx.members['张三']!, '大家好', { timestamp: clock.now().getTime() }));
  expect(await say('/meeting 支委会 | 0 20 * * 1 | 村委会议室 --kind 支委会')).toContain('已添加会议 #1 支委会');
  expect(await say('/attendance #1 到:1')).toContain('已记录');

  const old = await recorded(() => wx.sendImage(secretary));
  skipped += 11 * 60_000;
  const picture = await recorded(() => wx.sendImage(secretary));
  const pdf = Buffer.from('%PDF-1.4 the signed sheet');
  const file = await recorded(() => wx.sendFile(secretary, '签到表.pdf', pdf));
  const reply = await say('/minutes #1 议题：春耕安排\n决议：下周一开始');
  expect(reply).toContain('附件：2 个（正在保存 2 个）');

  await until(async () => JSON.parse((await db.meetingMinutes.findFirstOrThrow()).attachments).every((a: { sha256?: string }) => a.sha256));
  const row = await db.meetingMinutes.findFirstOrThrow();
  const png = Buffer.from('not really a png'); // what the mock's sendImage sends
  const unit = String(row.unitId);
  const attachments = JSON.parse(row.attachments) as { ref: string; sha256: string; path: string; size: number }[];
  expect(attachments.map((a) => [a.ref, a.sha256, a.size, a.path])).toEqual([
    [picture, sha(png), png.length, `evidence/${unit}/${sha(png)}.png`],
    [file, sha(pdf), pdf.length, `evidence/${unit}/${sha(pdf)}.pdf`],
  ]);
  expect(attachments.some((a) => a.ref === old)).toBe(false);
  for (const a of attachments) {
    const stored = path.join(dataDir, a.path);
    expect(sha(fs.readFileSync(stored))).toBe(a.sha256);
    expect(fs.statSync(stored).mode & 0o777).toBe(0o600);
  }
  expect(fs.statSync(path.join(dataDir, 'evidence', unit)).mode & 0o777).toBe(0o700);

  const before = wx.sent.items.length;
  await recorded(() => wx.say(secretary, '/ledger 导出', { timestamp: clock.now().getTime() }));
  const csvOf = (s: { id: string }) => {
    const json = wx.mocker.cacheFileBoxPayload.get(s.id);
    return json && /\.csv$/.test(FileBox.fromJSON(json).name) ? json : undefined;
  };
  await until(async () => wx.sent.items.slice(before).some(csvOf));
  const sentCsv = wx.sent.items.slice(before).find(csvOf)!;
  const csv = await FileBox.fromJSON(csvOf(sentCsv)!).toBuffer();
  const table = parse(csv.toString('utf8'), { bom: true }) as string[][];
  const minutesRow = table.find((r) => r[1] === '支委会')!;
  expect(minutesRow[12]!.split('\n')).toEqual([
    `photo:wechat:${picture} photo.png sha256=${sha(png)} evidence/${unit}/${sha(png)}.png`,
    `file:wechat:${file} 签到表.pdf sha256=${sha(pdf)} evidence/${unit}/${sha(pdf)}.pdf`,
  ]);
});
