// Pictures and files on WeCom through the real app and WecomAdapter (the official SDK over a real
// socket) against the fake long-connection server: a poll's chart picture and a CSV export are
// uploaded as temporary media (the SDK's chunked upload) and sent as image and file messages after
// their caption; a send that fails after the caption resumes without repeating it.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { freshSqlite } from '../support/db.ts';
import { FakeWecom } from '../support/fake-wecom.ts';
import { flush, processed, startWecomBot, type WecomBot } from '../support/wecom-harness.ts';
import { MEDIA_MAX_BYTES, mediumOf } from '../../src/adapters/wecom/media.ts';

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

async function say(userId: string, text: string): Promise<void> {
  const msgid = fake!.say(userId, `@先锋 ${text}`, { chatId: GROUP });
  await processed(db!, msgid);
  await flush(bot!);
}

async function pollWithVotes(): Promise<void> {
  db = await freshSqlite();
  const clock = new ManualClock('2026-11-26T02:00:00Z');
  fake = new FakeWecom({ clock: () => clock.now().getTime() });
  await fake.start();
  bot = await startWecomBot({ db, fake, clock });
  await fake.until(() => fake!.connected, 'the bot to subscribe');
  await say('zhangwei', '/bindchat 东北流村党支部');
  await say('zhangwei', '/poll 村道先修哪条 | 东线 | 西线');
  for (const [who, choice] of [['lisi', '1'], ['wangwu', '2'], ['zhaoliu', '2']] as const) await say(who, `/vote #1 ${choice}`);
}

describe('WeCom pictures and files', () => {
  it('sends a poll chart as an image message and a CSV export as a file message, each after its caption', async () => {
    await pollWithVotes();
    const before = fake!.to(GROUP).length;
    await say('zhangwei', '/results #1 图'); // the chart comes at close or when asked
    const results = fake!.to(GROUP).slice(before);
    expect(results.map((d) => d.body.msgtype)).toEqual([expect.stringMatching(/^(stream|markdown)$/), 'markdown', 'image']); // results, caption, chart
    expect(results[0]!.text).toContain('2. 西线：2 票');
    expect(results[1]!.text).toContain('#1');
    const chart = results[2]!.media!;
    expect(chart.type).toBe('image');
    expect(chart.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // a PNG

    const mark = fake!.to(GROUP).length;
    await say('zhangwei', '/export #1');
    const exported = fake!.to(GROUP).slice(mark);
    expect(exported.map((d) => d.body.msgtype)).toEqual([expect.stringMatching(/^(stream|markdown)$/), 'file']); // caption, file
    const csv = exported[1]!.media!;
    expect(csv.filename).toMatch(/\.csv$/);
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('东线');
    expect(text).toContain('西线');
    expect(fake!.received.filter((f) => f.cmd === 'aibot_upload_media_finish')).toHaveLength(2);
  });

  it('resumes a picture whose image message failed after the caption: the caption is not sent twice', async () => {
    await pollWithVotes();
    const before = fake!.to(GROUP).length;
    fake!.failNextMedia(-1); // system busy: the outbox retries
    const msgid = fake!.say('zhangwei', '@先锋 /results #1 图', { chatId: GROUP });
    await processed(db!, msgid);
    await bot!.app.outbox.tick();
    await bot!.app.outbox.tick();
    bot!.clock.advance(5_000);
    await flush(bot!);
    const delivered = fake!.to(GROUP).slice(before);
    expect(delivered.map((d) => d.body.msgtype)).toEqual([expect.stringMatching(/^(stream|markdown)$/), 'markdown', 'image']);
    expect(delivered.filter((d) => d.text.includes('图'))).toHaveLength(1);
    expect(fake!.received.filter((f) => f.cmd === 'aibot_send_msg' && f.body?.msgtype === 'image')).toHaveLength(2); // refused once, then sent
    expect(fake!.received.filter((f) => f.cmd === 'aibot_upload_media_finish')).toHaveLength(1); // the media_id is used again
    expect(await db!.db.outboxMessage.count({ where: { status: 'sent' } })).toBeGreaterThan(0);
    expect(await db!.db.outboxMessage.count({ where: { status: { not: 'sent' } } })).toBe(0);
  });

  it('takes what WeCom takes: a picture up to 2 MB and a file up to 20 MB, more than 5 bytes; the rest goes as its text fallback', () => {
    const image = (n: number) => ({ kind: 'image' as const, caption: '图', fallbackText: '图', pngBase64: Buffer.alloc(n, 1).toString('base64') });
    const file = (n: number) => ({ kind: 'file' as const, caption: '表', fallbackText: '表', fileName: '结果.csv', contentBase64: Buffer.alloc(n, 1).toString('base64') });
    expect(mediumOf(image(MEDIA_MAX_BYTES.image))?.type).toBe('image');
    expect(mediumOf(image(MEDIA_MAX_BYTES.image + 1))).toBeUndefined();
    expect(mediumOf(file(MEDIA_MAX_BYTES.file))?.filename).toBe('结果.csv');
    expect(mediumOf(file(MEDIA_MAX_BYTES.file + 1))).toBeUndefined();
    expect(mediumOf(file(5))).toBeUndefined();
  });
});
