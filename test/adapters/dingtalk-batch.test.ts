// Identical 1:1 messages on DingTalk go out in `oToMessages/batchSend` calls of up to 20 userIds,
// through the real outbox, meter and DingTalkAdapter against the fake DingTalk (which refuses a
// body of the wrong shape, as the real endpoint does): one metered call per batch.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { enqueueMessages, type OutboxItem } from '../../src/outbox/enqueue.ts';
import { startDingTalkBot, type DingTalkBot } from '../support/dingtalk-bot.ts';
import { drainOutbox } from '../support/dingtalk-month.ts';

let bot: DingTalkBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  vi.restoreAllMocks();
});

const privately = (n: number, text: string, key: string): OutboxItem => ({ chat: { platform: 'dingtalk', chatId: `staff${1000 + n}`, kind: 'private' }, message: { kind: 'text', text, priority: 'low' }, key });
const sends = (b: DingTalkBot) => b.fake.calls.filter((c) => c.path === '/v1.0/robot/oToMessages/batchSend');

async function start(): Promise<DingTalkBot> {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  return startDingTalkBot({ runOutbox: false });
}

describe('DingTalk 1:1 batching', () => {
  it('sends 45 identical private messages in 3 metered calls (20, 20, 5), each member once', async () => {
    bot = await start();
    const items = Array.from({ length: 45 }, (_, i) => privately(i + 1, '每日一题：党的二十大在哪一年召开？', `daily:${i + 1}`));
    await enqueueMessages(bot.db.db, items, () => bot!.adapter.capabilities, bot.clock.now());
    await drainOutbox(bot);
    expect(sends(bot).map((c) => c.userIds?.length).sort((a, b) => b! - a!)).toEqual([20, 20, 5]); // sent in parallel
    expect(new Set(bot.fake.sent.map((s) => s.target)).size).toBe(45);
    expect(bot.fake.sent).toHaveLength(45);
    const usage = await bot.db.db.meteredUsage.findMany();
    expect(usage.map((u) => u.calls)).toEqual([3 + 1]); // three batches and the access token
    expect(await bot.db.db.outboxMessage.count({ where: { status: 'sent' } })).toBe(45);
  });

  it('batches only identical content, and a staffId DingTalk does not know fails alone', async () => {
    bot = await start();
    bot.fake.unknownStaffIds.add('staff1002');
    const items = [1, 2, 3].flatMap((n) => [privately(n, '提醒：明天上午开会', `a${n}`), privately(n + 3, '提醒：请交党费', `b${n}`)]);
    await enqueueMessages(bot.db.db, items, () => bot!.adapter.capabilities, bot.clock.now());
    await drainOutbox(bot);
    expect(sends(bot).map((c) => c.userIds)).toEqual([
      ['staff1001', 'staff1002', 'staff1003'],
      ['staff1004', 'staff1005', 'staff1006'],
    ]);
    expect(bot.fake.sent.map((s) => s.target).sort()).toEqual(['staff1001', 'staff1003', 'staff1004', 'staff1005', 'staff1006']);
    const failed = await bot.db.db.outboxMessage.findMany({ where: { status: 'failed' } });
    expect(failed.map((r) => [r.idempotencyKey, r.lastError])).toEqual([['a2', expect.stringContaining('invalidStaffIdList')]]);
  });

  it('a batch that DingTalk rate-limits is retried whole, and spent calls are counted', async () => {
    bot = await start();
    bot.fake.failNext.push({ status: 429, body: { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps' }, headers: { 'retry-after': '2' } });
    const items = Array.from({ length: 5 }, (_, i) => privately(i + 1, '提醒：今晚学习', `r${i}`));
    await enqueueMessages(bot.db.db, items, () => bot!.adapter.capabilities, bot.clock.now());
    await drainOutbox(bot);
    expect(sends(bot).map((c) => [c.status, c.userIds?.length])).toEqual([
      [429, 5],
      [200, 5],
    ]);
    expect(bot.fake.sent).toHaveLength(5);
    expect((await bot.db.db.meteredUsage.findMany()).map((u) => u.calls)).toEqual([bot.fake.calls.length]);
  });

  it('the fake refuses what the real endpoint refuses: 21 userIds, a msgParam that is not a JSON string, a wrong robotCode', async () => {
    bot = await start();
    const token = await (await fetch(`${bot.fake.root}/v1.0/oauth2/accessToken`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appKey: bot.fake.clientId, appSecret: bot.fake.clientSecret }) })).json() as { accessToken: string };
    const post = async (body: unknown) => (await fetch(`${bot!.fake.root}/v1.0/robot/oToMessages/batchSend`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token.accessToken }, body: JSON.stringify(body) })).status;
    const good = { robotCode: bot.fake.clientId, userIds: ['staff1'], msgKey: 'sampleText', msgParam: JSON.stringify({ content: '你好' }) };
    expect(await post(good)).toBe(200);
    expect(await post({ ...good, userIds: Array.from({ length: 21 }, (_, i) => `s${i}`) })).toBe(400);
    expect(await post({ ...good, userIds: [] })).toBe(400);
    expect(await post({ ...good, msgParam: { content: '你好' } })).toBe(400);
    expect(await post({ ...good, msgKey: 'sampleMarkdown' })).toBe(400); // needs title and text
    expect(await post({ ...good, robotCode: 'other' })).toBe(400);
  });
});
