// Minutes on DingTalk: the real app around the real DingTalkAdapter (dingtalk-stream's Stream in,
// the OpenAPI over HTTP) against the fake DingTalk. Pictures sent in the group (rich text with the
// robot's @) carry a downloadCode; after the minutes commit the adapter exchanges each for a
// temporary URL (messageFiles/download) and reads it under the size limit: the photos are stored
// with their SHA-256, an oversized file is refused by its content-length without being stored.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DownloadTooBigError } from '../../../src/bot/adapter.ts';
import { MAX_EVIDENCE_BYTES } from '../../../src/features/records/evidence.ts';
import { startDingTalkBot, type DingTalkBot } from '../../support/dingtalk-bot.ts';
import type { FakeSay } from '../../support/fake-dingtalk.ts';

let bot: DingTalkBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** Polls `check` until it holds (at most 10 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in 10 s');
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const group = { conversationId: 'cidVillage1', group: true, title: '东北流村党支部群' } as const;
const admin = { ...group, staffId: 'staff01', nick: '张伟' };
const lina = { ...group, staffId: 'staff02', nick: '李娜' };

async function say(s: Omit<FakeSay, 'text'> & { text?: string }): Promise<string> {
  const sent = await bot!.say({ text: '', ...s });
  return sent.map((m) => m.content).join('\n');
}

it('minutes with pictures over DingTalk: fetched by downloadCode after the commit, stored with their checksum; an oversized file refused unstored', { timeout: 60_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-evidence-'));
  // Monday 2 March 2026 20:30 in Shanghai (the meeting began at 20:00).
  bot = await startDingTalkBot({ start: '2026-03-02T12:30:00Z', env: { BOT_DATA_DIR: dataDir } });
  const { fake, db } = bot;
  expect(bot.adapter.capabilities.downloads).toBe(true);

  expect(await say({ ...admin, text: '/bindchat 东北流村党支部' })).toContain('东北流村党支部');
  await say({ ...lina, text: '/whoami' });
  expect(await say({ ...admin, text: '/meeting 支委会 | 0 20 * * 1 | 村委会议室 --kind 支委会' })).toContain('已添加会议 #1 支委会');
  expect(await say({ ...admin, text: '/attendance #1 到:1' })).toContain('已记录');

  const photos = { before: Buffer.from('picture sent before the minutes'), caption: Buffer.from('picture with the minutes') };
  const big = Buffer.alloc(MAX_EVIDENCE_BYTES + 1, 7);
  fake.addFile('dlcode-before', photos.before);
  fake.addFile('dlcode-big', big);
  fake.addFile('dlcode-caption', photos.caption);
  await say({ ...admin, picture: 'dlcode-before' });
  await say({ ...admin, file: { downloadCode: 'dlcode-big', fileName: '会议录像.mp4' } });
  const reply = await say({ ...admin, text: '/minutes #1 议题：春耕安排\n决议：下周一开始', picture: 'dlcode-caption' });
  expect(reply).toContain('已记录 #1 支委会（3月2日 周一 20:00）的会议记录。');
  expect(reply).toContain('附件：3 个（正在保存 3 个）');

  await until(async () => JSON.parse((await db.db.meetingMinutes.findFirstOrThrow()).attachments).every((a: { sha256?: string; problem?: string }) => a.sha256 || a.problem));
  const row = await db.db.meetingMinutes.findFirstOrThrow();
  const unitId = row.unitId;
  expect(JSON.parse(row.attachments)).toEqual([
    { kind: 'photo', platform: 'dingtalk', ref: 'dlcode-before', name: null, sha256: sha(photos.before), size: photos.before.length, path: `evidence/${unitId}/${sha(photos.before)}.jpg` },
    { kind: 'file', platform: 'dingtalk', ref: 'dlcode-big', name: '会议录像.mp4', problem: 'tooBig' },
    { kind: 'photo', platform: 'dingtalk', ref: 'dlcode-caption', name: null, sha256: sha(photos.caption), size: photos.caption.length, path: `evidence/${unitId}/${sha(photos.caption)}.jpg` },
  ]);
  for (const b of [photos.before, photos.caption]) {
    const file = path.join(dataDir, 'evidence', String(unitId), `${sha(b)}.jpg`);
    expect(fs.readFileSync(file)).toEqual(b);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  }
  expect(fs.readdirSync(path.join(dataDir, 'evidence', String(unitId)))).toHaveLength(2); // the oversized file was not stored
  // Refused by its content-length: the fake wrote no more than the socket buffers took, far below the file.
  const bigFetch = fake.fileFetches.find((f) => f.downloadCode === 'dlcode-big')!;
  expect(bigFetch.bytesWritten).toBeLessThan(big.length / 2);
  // Each download asked the OpenAPI for a URL with the robot's token (checked by the fake).
  expect(fake.calls.filter((c) => c.path === '/v1.0/robot/messageFiles/download').map((c) => c.status)).toEqual([200, 200, 200]);
  expect(await say({ ...lina, text: '/minutes #1' })).toContain('附件：3 个（已保存 2 个，记了校验码');
});

it('a download without a content-length stops at the limit; an unknown downloadCode is refused by DingTalk', async () => {
  bot = await startDingTalkBot();
  bot.fake.addFile('dlcode-chunked', Buffer.alloc(5000, 1), { chunked: true });
  bot.fake.addFile('dlcode-small', Buffer.from('小图'), { chunked: true });
  await expect(bot.adapter.download('dlcode-chunked', 1000)).rejects.toBeInstanceOf(DownloadTooBigError);
  expect(Buffer.from((await bot.adapter.download('dlcode-small', 1000)).bytes).toString('utf8')).toBe('小图');
  await expect(bot.adapter.download('dlcode-never-sent', 1000)).rejects.toThrow(/messageFiles\/download: 400/);
  expect(bot.logLines.join('')).not.toContain('/files/');
});
