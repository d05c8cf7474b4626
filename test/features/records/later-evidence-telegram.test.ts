// Photos sent AFTER /minutes and /progress on Telegram: the real app around the real TelegramAdapter
// (telegraf over HTTP) against the fake Bot API. A photo-only message from the same person in the
// same chat within 10 minutes attaches to the record, is fetched after the commit and stored 0600
// with its SHA-256; at 11 minutes, or with no record before it, nothing is replied or stored; the
// same photo sent again is stored once.
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

const admin: FakeUser = { id: 1001, first_name: 'Zhang', last_name: 'Wei', username: 'zhangwei' };
const lina: FakeUser = { id: 2002, first_name: 'Lina' };
const village = { id: -1009001, title: 'Dongbeiliu Village' };

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

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in 10 s');
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
type Stored = { ref: string; sha256?: string; path?: string };

it('photos after /minutes and /progress on Telegram: 9 minutes attaches, 11 minutes does not, none without a record, the same photo once', { timeout: 60_000 }, async () => {
  db = await freshSqlite();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-later-evidence-'));
  const t0 = Date.now();
  let skipped = 0;
  const clock: Clock = { now: () => new Date(Date.parse('2026-03-02T12:30:00Z') + Date.now() - t0 + skipped) };
  const f = new FakeTelegram({ clock: () => clock.now().getTime() });
  fake = f;
  await f.start();
  const config = loadConfig({ DATABASE_URL: db.url, BOT_ADMINS: `telegram:${admin.id}`, TELEGRAM_BOT_TOKEN: f.token, TELEGRAM_API_ROOT: f.apiRoot, BOT_DATA_DIR: dataDir });
  const logger = pino({ level: 'silent' });
  const adapter = new TelegramAdapter({ token: f.token, apiRoot: f.apiRoot, logger, locale: 'zh-CN', clock, commands: () => [], retryDelayMs: { initial: 5, max: 20 } });
  app = createApp({ config, database: db, adapters: [adapter], logger, clock, outbox: { idleMs: 20, rateTimeScale: 50 } });
  await app.start();
  const d = db.db;

  const say = async (from: FakeUser, text: string): Promise<string> => {
    const before = f.sent(village.id).length;
    f.injectGroupMessage({ chat: village, from, text });
    await f.waitFor(() => f.sent(village.id).length > before, `the reply to ${text}`);
    await app!.idle('telegram');
    return f.sent(village.id).slice(before).map((c) => String(c.payload.text ?? '')).join('\n');
  };
  /** Sends a photo alone; the replies it got once processed. */
  const photo = async (fileId: string, bytes: Buffer): Promise<string> => {
    f.addFile(fileId, `${fileId}.jpg`, bytes);
    const before = f.sent(village.id).length;
    const events = await d.inboundEvent.count();
    f.injectGroupMessage({ chat: village, from: admin, photoFileId: fileId });
    await until(async () => (await d.inboundEvent.count({ where: { status: { not: 'received' } } })) > events);
    await app!.idle('telegram');
    return f.sent(village.id).slice(before).map((c) => String(c.payload.text ?? '')).join('\n');
  };
  const minutesList = async () => JSON.parse((await d.meetingMinutes.findFirstOrThrow({ where: { supersededAt: null } })).attachments) as Stored[];
  const evidenceDir = () => path.join(dataDir!, 'evidence');
  const storedFiles = () => (fs.existsSync(evidenceDir()) ? fs.readdirSync(evidenceDir(), { recursive: true }).filter((n) => String(n).includes('.')) : []);

  await say(admin, '/bindchat 东北流村党支部');
  await say(lina, '/whoami');
  // No record yet: a photo gets no reply and is not fetched.
  expect(await photo('stray', Buffer.from('stray photo'))).toBe('');
  expect(storedFiles()).toEqual([]);
  skipped += 11 * 60_000; // so that it is not evidence sent BEFORE the minutes either

  await say(admin, '/meeting 支委会 | 0 20 * * 1 | 村委会议室 --kind 支委会');
  await say(admin, '/attendance #1 到:1');
  expect(await say(admin, '/minutes #1 议题：春耕安排\n决议：下周一开始')).toContain('已记录 #1 支委会');
  expect(await minutesList()).toEqual([]);

  skipped += 9 * 60_000;
  const nine = Buffer.from('photo nine minutes later');
  expect(await photo('p-nine', nine)).toContain('已附上照片，记录 #1 支委会');
  await until(async () => (await minutesList()).every((a) => a.sha256));
  const unit = (await d.meetingMinutes.findFirstOrThrow()).unitId;
  expect(await minutesList()).toMatchObject([{ ref: 'p-nine', sha256: sha(nine), path: `evidence/${unit}/${sha(nine)}.jpg` }]);
  const file = path.join(dataDir, 'evidence', String(unit), `${sha(nine)}.jpg`);
  expect(fs.readFileSync(file)).toEqual(nine);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);

  // The same photo (same file id) sent again: attached and stored once, no second reply.
  expect(await photo('p-nine', nine)).toBe('');
  expect(await minutesList()).toHaveLength(1);

  skipped += 2 * 60_000; // 11 minutes after the minutes
  expect(await photo('p-eleven', Buffer.from('photo eleven minutes later'))).toBe('');
  expect((await minutesList()).map((a) => a.ref)).toEqual(['p-nine']);
  expect(storedFiles()).toHaveLength(1);

  // /progress (11 minutes on, so the photos above are not sent BEFORE it), then a photo 9 minutes later attaches to it.
  skipped += 11 * 60_000;
  expect(await say(admin, '/task 修水渠 M1 东北流村党支部 截止2026-03-31')).toContain('#1');
  expect(await say(admin, '/progress #1 已开工 +20%')).toContain('任务 #1');
  skipped += 9 * 60_000;
  const site = Buffer.from('photo of the site');
  expect(await photo('p-site', site)).toBe('已附上照片，任务 #1 的进展。');
  await until(async () => JSON.parse((await d.taskProgress.findFirstOrThrow()).evidence).every((a: Stored) => a.sha256));
  expect(JSON.parse((await d.taskProgress.findFirstOrThrow()).evidence)).toMatchObject([{ ref: 'p-site', sha256: sha(site) }]);
  expect(await minutesList()).toHaveLength(1); // the minutes (31 minutes old now) did not take it
});
