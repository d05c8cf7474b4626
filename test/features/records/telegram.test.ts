// Minutes on Telegram: the real app around the real TelegramAdapter (telegraf over HTTP) against the
// fake Bot API server. A meeting with a kind, the roll call, minutes sent as a photo's caption (the
// photo kept as the adapter's file reference) and the ledger's CSV delivered as a document.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { parse } from 'csv-parse/sync';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Clock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { TelegramAdapter } from '../../../src/adapters/telegram/adapter.ts';
import { FakeTelegram, type CallRecord, type FakeUser } from '../../support/fake-telegram.ts';
import { freshSqlite } from '../../support/db.ts';

const admin: FakeUser = { id: 1001, first_name: 'Zhang', last_name: 'Wei', username: 'zhangwei' };
const lina: FakeUser = { id: 2002, first_name: 'Lina' };
const village = { id: -1009001, title: 'Dongbeiliu Village' };

let fake: FakeTelegram | undefined;
let app: App | undefined;
let db: (Database & { close(): Promise<void> }) | undefined;

afterEach(async () => {
  await app?.stop();
  await fake?.stop();
  await db?.close();
  app = undefined;
  fake = undefined;
  db = undefined;
});

/** Polls `check` until it holds (at most 10 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in 10 s');
}

const texts = (calls: readonly CallRecord[]): string[] => calls.map((c) => String(c.payload.text ?? ''));

it('minutes with photos over Telegram: fetched after the commit, stored with their checksum, listed in the CSV; an older photo is left out', { timeout: 180_000 }, async () => {
  db = await freshSqlite();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-evidence-'));
  // Real time flowing, shifted to Monday 2 March 2026 20:30 in Shanghai (the meeting began at 20:00);
  // `skip` jumps it forward (an older photo).
  const t0 = Date.now();
  let skipped = 0;
  const clock: Clock = { now: () => new Date(Date.parse('2026-03-02T12:30:00Z') + Date.now() - t0 + skipped) };
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
  expect(f.commands.map((c) => c.command)).toEqual(expect.arrayContaining(['minutes', 'ledger']));

  const say = async (from: FakeUser, text: string, photoFileId?: string): Promise<string> => {
    const before = f.sent(village.id).length;
    if (photoFileId) f.injectGroupMessage({ chat: village, from, caption: text, photoFileId });
    else f.injectGroupMessage({ chat: village, from, text });
    await f.waitFor(() => f.sent(village.id).length > before, `the reply to ${text}`);
    await app!.idle('telegram');
    return texts(f.sent(village.id).slice(before)).join('\n');
  };

  expect(await say(admin, '/bindchat 东北流村党支部')).toContain('东北流村党支部');
  await say(lina, '/whoami');
  expect(await say(admin, '/meeting 支委会 | 0 20 * * 1 | 村委会议室 --kind 支委会')).toContain('已添加会议 #1 支委会');
  expect(await say(admin, '/attendance #1 到:1')).toContain('已记录');
  const photos = { old: Buffer.from('old photo'), before: Buffer.from('photo sent before the minutes'), caption: Buffer.from('photo with the minutes') };
  f.addFile('photo-old', 'old.jpg', photos.old);
  f.addFile('photo-before', 'before.jpg', photos.before);
  f.addFile('AgACAgUAAx-photo-7', 'caption.jpg', photos.caption);
  const sendPhoto = async (fileId: string) => {
    const events = await db!.db.inboundEvent.count();
    f.injectGroupMessage({ chat: village, from: admin, photoFileId: fileId });
    await until(async () => (await db!.db.inboundEvent.count()) > events);
  };
  await sendPhoto('photo-old');
  skipped += 11 * 60_000; // eleven minutes later: that photo is too old to count
  await sendPhoto('photo-before');
  const reply = await say(admin, '/minutes #1 议题：春耕安排\n决议：下周一开始', 'AgACAgUAAx-photo-7');
  expect(reply).toContain('已记录 #1 支委会（3月2日 周一 20:00）的会议记录。');
  expect(reply).toContain('附件：2 个（正在保存 2 个）');
  await until(async () => JSON.parse((await db!.db.meetingMinutes.findFirstOrThrow()).attachments).every((a: { sha256?: string }) => a.sha256));
  const row = await db.db.meetingMinutes.findFirstOrThrow();
  const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
  const unitId = row.unitId;
  expect(JSON.parse(row.attachments)).toEqual([
    { kind: 'photo', platform: 'telegram', ref: 'photo-before', name: 'file_2.jpg', sha256: sha(photos.before), size: photos.before.length, path: `evidence/${unitId}/${sha(photos.before)}.jpg` },
    { kind: 'photo', platform: 'telegram', ref: 'AgACAgUAAx-photo-7', name: 'file_3.jpg', sha256: sha(photos.caption), size: photos.caption.length, path: `evidence/${unitId}/${sha(photos.caption)}.jpg` },
  ]);
  for (const b of [photos.before, photos.caption]) {
    const file = path.join(dataDir, 'evidence', String(unitId), `${sha(b)}.jpg`);
    expect(fs.readFileSync(file)).toEqual(b);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  }
  expect(fs.statSync(path.join(dataDir, 'evidence', String(unitId))).mode & 0o777).toBe(0o700);
  expect(fs.readdirSync(path.join(dataDir, 'evidence', String(unitId)))).toHaveLength(2); // the old photo was never fetched
  expect(row.topics).toBe('春耕安排');
  expect(await say(lina, '/minutes #1')).toContain('附件：2 个（已保存 2 个，记了校验码）');

  const before = f.callsOf('sendDocument').length;
  f.injectGroupMessage({ chat: village, from: admin, text: '/ledger 导出' });
  // Rendering a page per kind with the CJK font takes seconds on a loaded machine.
  await f.waitFor(() => f.callsOf('sendDocument').length > before, 'the ledger CSV', 90_000);
  const doc = f.callsOf('sendDocument').at(-1)!;
  const file = doc.files[0]!;
  expect(file.filename).toMatch(/-2026-.*\.csv$/); // the fake decodes multipart names as latin1
  const table = parse(file.bytes.toString('utf8'), { bom: true }) as string[][];
  const recorded = table.find((r) => r[1] === '支委会')!;
  expect(recorded[9]).toBe('春耕安排');
  expect(recorded[12]!.split('\n')).toEqual([
    `photo:telegram:photo-before file_2.jpg sha256=${sha(photos.before)} evidence/${unitId}/${sha(photos.before)}.jpg`,
    `photo:telegram:AgACAgUAAx-photo-7 file_3.jpg sha256=${sha(photos.caption)} evidence/${unitId}/${sha(photos.caption)}.jpg`,
  ]);
  expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  // The printable pages follow as photos, one per kind (the layout of a paper 台账): each a PNG
  // 1280 px wide with one 34 px row per CSV row of that kind plus the heading. (PNG carries no text
  // to extract; the page's text is checked through its SVG in page.test.ts.)
  const body = table.slice(1);
  const kinds = [...new Set(body.map((r) => r[0]!))];
  expect(kinds).toEqual(['支委会', '党小组会', '主题党日']);
  await f.waitFor(() => f.callsOf('sendPhoto').length >= kinds.length, 'one printable page per kind', 90_000);
  const pages = f.callsOf('sendPhoto').slice(-kinds.length);
  kinds.forEach((kind, i) => {
    const png = pages[i]!.files[0]!.bytes;
    expect(String(pages[i]!.payload.caption)).toBe(`东北流村党支部 2026年 ${kind}台账`);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBe(80 + 34 * (body.filter((r) => r[0] === kind).length + 1) + 20);
  });
});
