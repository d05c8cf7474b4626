// Minutes on WeCom: the real app around the real WecomAdapter (the official SDK over a real
// socket) against the fake WeCom. A picture sent in the group (a mixed message with the bot's @)
// carries a temporary url and an aeskey; after the minutes commit the adapter reads the url under
// the size limit and decrypts it with the SDK: the photos are stored with their SHA-256, an
// oversized file is refused by its content-length without being stored, and no key reaches a row.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DownloadTooBigError } from '../../../src/bot/adapter.ts';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { MAX_EVIDENCE_BYTES } from '../../../src/features/records/evidence.ts';
import { freshSqlite } from '../../support/db.ts';
import { FakeWecom, type FakeFileRef } from '../../support/fake-wecom.ts';
import { flush, processed, startWecomBot, type WecomBot } from '../../support/wecom-harness.ts';

const GROUP = 'wrVILLAGE01';
let fake: FakeWecom | undefined;
let bot: WecomBot | undefined;
let db: Database | undefined;

afterEach(async () => {
  await bot?.stop();
  await fake?.stop();
  await db?.close();
  bot = fake = db = undefined;
});

/** Polls `check` until it holds (at most 10 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in 10 s');
}

async function build(): Promise<void> {
  db = await freshSqlite();
  // Monday 2 March 2026 20:30 in Shanghai (the meeting began at 20:00).
  const clock = new ManualClock('2026-03-02T12:30:00Z');
  fake = new FakeWecom({ clock: () => clock.now().getTime() });
  await fake.start();
  bot = await startWecomBot({ db, fake, clock });
  await fake.until(() => fake!.connected, 'the bot to subscribe');
}

/** Says something in the group (an @-mention), optionally with a picture or as a file; returns the replies. */
async function say(userId: string, text: string, files: { image?: FakeFileRef; file?: FakeFileRef } = {}): Promise<string> {
  const before = fake!.to(GROUP).length;
  const msgid = fake!.say(userId, `@先锋 ${text}`, { chatId: GROUP, ...files });
  await processed(db!, msgid);
  await flush(bot!);
  return fake!.to(GROUP).slice(before).map((d) => d.text).join('\n');
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

it('minutes with pictures over WeCom: fetched and decrypted after the commit, stored with their checksum; an oversized file refused unstored', { timeout: 60_000 }, async () => {
  await build();
  expect(bot!.adapter.capabilities.downloads).toBe(true);
  expect(await say('zhangwei', '/bindchat 东北流村党支部')).toContain('东北流村党支部');
  await say('lisi', '/whoami');
  expect(await say('zhangwei', '/meeting 支委会 | 0 20 * * 1 | 村委会议室 --kind 支委会')).toContain('已添加会议 #1 支委会');
  expect(await say('zhangwei', '/attendance #1 到:1')).toContain('已记录');

  const photos = { before: Buffer.from('picture sent before the minutes'), caption: Buffer.from('picture with the minutes') };
  const before = fake!.addFile(photos.before);
  const big = fake!.addFile(Buffer.alloc(MAX_EVIDENCE_BYTES + 100, 7), { name: '会议录像.mp4' });
  const caption = fake!.addFile(photos.caption, { name: '会场.png' });
  await say('zhangwei', '', { image: before });
  await processed(db!, fake!.say('zhangwei', '', { chatId: GROUP, file: big }));
  const reply = await say('zhangwei', '/minutes #1 议题：春耕安排\n决议：下周一开始', { image: caption });
  expect(reply).toContain('已记录 #1 支委会（3月2日 周一 20:00）的会议记录。');
  expect(reply).toContain('附件：3 个（正在保存 3 个）');

  await until(async () => JSON.parse((await db!.db.meetingMinutes.findFirstOrThrow()).attachments).every((a: { sha256?: string; problem?: string }) => a.sha256 || a.problem));
  const row = await db!.db.meetingMinutes.findFirstOrThrow();
  const unitId = row.unitId;
  expect(JSON.parse(row.attachments)).toEqual([
    { kind: 'photo', platform: 'wecom', ref: before.url, name: null, sha256: sha(photos.before), size: photos.before.length, path: `evidence/${unitId}/${sha(photos.before)}.jpg` },
    { kind: 'file', platform: 'wecom', ref: big.url, name: null, problem: 'tooBig' },
    { kind: 'photo', platform: 'wecom', ref: caption.url, name: '会场.png', sha256: sha(photos.caption), size: photos.caption.length, path: `evidence/${unitId}/${sha(photos.caption)}.png` },
  ]);
  expect(row.attachments).not.toContain(before.aeskey);
  const files = fs.readdirSync(path.join(bot!.dataDir, 'evidence', String(unitId)));
  expect(files.sort()).toEqual([`${sha(photos.before)}.jpg`, `${sha(photos.caption)}.png`].sort()); // the oversized file was not stored
  expect(fs.readFileSync(path.join(bot!.dataDir, 'evidence', String(unitId), `${sha(photos.caption)}.png`))).toEqual(photos.caption);
  const bigFetch = fake!.fileFetches.find((f) => big.url.endsWith(f.url))!;
  expect(bigFetch.bytesWritten).toBeLessThan(MAX_EVIDENCE_BYTES / 2);
  expect(await say('lisi', '/minutes #1')).toContain('附件：3 个（已保存 2 个，记了校验码');
  expect(bot!.logs.join('\n')).not.toContain(before.aeskey);
});

it('a download without a content-length stops at the limit; a file whose key is not known is refused', async () => {
  await build();
  const chunked = fake!.addFile(Buffer.alloc(5000, 1), { chunked: true });
  const small = fake!.addFile(Buffer.from('小图'), { chunked: true });
  for (const ref of [chunked, small]) await processed(db!, fake!.say('lisi', '', { image: ref }));
  await expect(bot!.adapter.download(chunked.url, 1000)).rejects.toBeInstanceOf(DownloadTooBigError);
  expect(Buffer.from((await bot!.adapter.download(small.url, 1000)).bytes).toString('utf8')).toBe('小图');
  const unknown = fake!.addFile(Buffer.from('never sent'));
  await expect(bot!.adapter.download(unknown.url, 1000)).rejects.toThrow(/key of this WeCom file is not known/);
});
