// The whole bot on DingTalk: the real app around the real DingTalkAdapter (the official SDK's
// Stream client and the OpenAPI over HTTP) against the fake DingTalk on 127.0.0.1, on a manual
// clock the fake also reads (token and session-webhook expiry).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { RecordingAdapter } from '../support/recording-adapter.ts';
import { startDingTalkBot, type DingTalkBot } from '../support/dingtalk-bot.ts';
import type { FakeSay } from '../support/fake-dingtalk.ts';

const village = { conversationId: 'cidVillage1', group: true, title: '东北流村党支部' } as const;
const admin = (text: string, extra: Partial<FakeSay> = {}): FakeSay => ({ ...village, staffId: 'staff01', nick: '张伟', text, ...extra });
const member = (n: number, text: string): FakeSay => ({ ...village, staffId: `staff${String(n).padStart(2, '0')}`, nick: `党员${n}`, text });

let bot: DingTalkBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  vi.restoreAllMocks();
});

describe('DingTalk end to end', () => {
  it('binds a group, answers @先锋 /whoami by the session webhook, and answers a duplicate or re-pushed callback once', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    bot = await startDingTalkBot();
    const bound = await bot.say(admin('/bindchat 东北流村党支部'));
    expect(bound).toEqual([expect.objectContaining({ route: 'webhook', target: 'cidVillage1', content: expect.stringContaining('本群已绑定到“东北流村党支部”') })]);

    const who = await bot.say(member(2, '/whoami'));
    expect(who).toHaveLength(1);
    expect(who[0]!.content).toContain('姓名：党员2');
    expect(bot.fake.calls).toEqual([]); // replies by the session webhook spend no metered call

    expect(await bot.say(member(2, '/whoami', ), )).toHaveLength(1);
    const dup = await bot.say({ ...member(3, '/whoami'), msgId: 'msgSame' });
    expect(dup).toHaveLength(1);
    expect(await bot.say({ ...member(3, '/whoami'), msgId: 'msgSame' })).toEqual([]);

    // The bot answered, but its acknowledgement was lost: DingTalk pushes the callback again.
    bot.fake.loseAcks = 1;
    const { messageId } = bot.fake.say(member(4, '/whoami'));
    await bot.fake.until(() => bot!.fake.answered(messageId), 'the lost acknowledgement');
    await bot.app.idle('dingtalk');
    expect(bot.fake.acks.has(messageId)).toBe(false);
    expect(bot.fake.redeliverUnacknowledged()).toBe(1);
    await bot.fake.until(() => bot!.fake.acks.has(messageId), 'the re-push acknowledged');
    await bot.app.idle('dingtalk');
    expect(bot.fake.pushes.get(messageId)).toBe(2);
    expect(bot.fake.sent.filter((s) => s.content.includes('党员4'))).toHaveLength(1);
  });

  it('runs a poll with @先锋 bare answers, one change of vote, and exact results', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    bot = await startDingTalkBot();
    await bot.say(admin('/bindchat 东北流村党支部'));
    const created = await bot.say(admin('/poll 村道先修哪条 | 东线 | 西线'));
    expect(created[0]!.content).toContain('村道先修哪条');
    for (const [n, choice] of [[2, '1'], [3, '1'], [4, '2'], [5, '２']] as const) await bot.say(member(n, choice));
    // A bare answer does not change a vote already cast; addressed to the bot, it hears nothing awaits.
    expect((await bot.say(member(3, '2'))).map((m) => m.content)).toEqual(['现在没有等你回答的题目或投票。发送 /help 查看能用的命令。']);
    const changed = await bot.say(member(3, '/vote #1 2'));
    expect(changed[0]!.content).toContain('西线');
    const closed = await bot.say(admin('/close #1'));
    const text = closed.map((s) => s.content).join('\n');
    expect(text).toMatch(/东线：1 票/);
    expect(text).toMatch(/西线：3 票/);
  });

  it('sends a scheduled notice through the OpenAPI once the session webhook expired, refreshing an expired or refused token', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    // Not 1 December: that day the records slice tells the admins about next year's holiday calendar.
    bot = await startDingTalkBot({ start: '2026-11-30T00:30:00Z', fake: { tokenSeconds: 7200, webhookMs: 90 * 60_000 } });
    await bot.say(admin('/bindchat 东北流村党支部'));
    const chat = { platform: 'dingtalk', chatId: 'cidVillage1', kind: 'group' } as const;
    const notice = async (key: string, text: string) => {
      await enqueueMessages(bot!.db.db, [{ chat, message: { kind: 'text', text }, key }], (p) => bot!.app.outbox && (p === 'dingtalk' ? bot!.adapter.capabilities : undefined), bot!.clock.now());
      bot!.app.outbox.notify();
      await bot!.app.idle('dingtalk');
    };
    bot.clock.advance(2 * 3600_000);
    await notice('occ:1:chat:1', '周一上午9点全体干部会');
    expect(bot.fake.sent.at(-1)).toMatchObject({ route: 'group', target: 'cidVillage1', content: '周一上午9点全体干部会' });
    expect(bot.fake.calls.map((c) => c.path)).toEqual(['/v1.0/oauth2/accessToken', '/v1.0/robot/groupMessages/send']);

    bot.clock.advance(2 * 3600_000 - 60_000); // within the refresh margin before the token expires
    await notice('occ:2:chat:1', '周日领导班子会');
    expect(bot.fake.calls.slice(2).map((c) => [c.path, c.status])).toEqual([['/v1.0/oauth2/accessToken', 200], ['/v1.0/robot/groupMessages/send', 200]]);

    bot.fake.revokeTokens();
    await notice('occ:3:chat:1', '28日干群联席会');
    expect(bot.fake.calls.slice(4).map((c) => [c.path, c.status])).toEqual([['/v1.0/robot/groupMessages/send', 401], ['/v1.0/oauth2/accessToken', 200], ['/v1.0/robot/groupMessages/send', 200]]);
    expect(bot.fake.sent.filter((s) => s.route === 'group').map((s) => s.content)).toEqual(['周一上午9点全体干部会', '周日领导班子会', '28日干群联席会']);
    const spent = await bot.db.db.meteredUsage.findFirst({ where: { platform: 'dingtalk' } });
    expect(spent?.calls).toBe(bot.fake.calls.length);
  });

  it('waits out a 429 for its Retry-After and maps quota error 90020 to a message given up', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    bot = await startDingTalkBot();
    await bot.say(admin('/bindchat 东北流村党支部'));
    bot.clock.advance(3 * 3600_000);
    const chat = { platform: 'dingtalk', chatId: 'cidVillage1', kind: 'group' } as const;
    bot.fake.failNext.push({ status: 429, body: { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps' }, headers: { 'retry-after': '3' } });
    await enqueueMessages(bot.db.db, [{ chat, message: { kind: 'text', text: '通知一' }, key: 'n1' }], () => bot!.adapter.capabilities, bot.clock.now());
    bot.app.outbox.notify();
    await bot.fake.until(() => bot!.fake.calls.some((c) => c.status === 429), 'the 429');
    await bot.app.idle('dingtalk');
    const held = await bot.db.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: 'n1' } });
    expect(held).toMatchObject({ status: 'pending', notBefore: new Date(bot.clock.now().getTime() + 3000) });
    bot.clock.advance(3000);
    bot.app.outbox.notify();
    await bot.fake.until(() => bot!.fake.sent.some((s) => s.content === '通知一'), 'the retry');

    bot.fake.failNext.push({ status: 403, body: { errcode: 90020, errmsg: '超过企业每月调用次数限制' } });
    await enqueueMessages(bot.db.db, [{ chat, message: { kind: 'text', text: '通知二' }, key: 'n2' }], () => bot!.adapter.capabilities, bot.clock.now());
    bot.app.outbox.notify();
    await bot.fake.until(() => bot!.fake.calls.filter((c) => c.status === 403).length === 1, 'the quota error');
    await bot.app.idle('dingtalk');
    const given = await bot.db.db.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: 'n2' } });
    expect(given.status).toBe('failed');
    expect(given.lastError).toContain('monthly API calls are used up');
  });

  it('reconnects after the connection drops and keeps answering', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    bot = await startDingTalkBot();
    // Bound first: in an unbound group only the admin's /bindchat and /help are answered.
    await bot.say(admin('/bindchat 东北流村党支部'));
    const ping = bot.fake.ping();
    await bot.fake.until(() => bot!.fake.pongs.has(ping), 'the pong');
    bot.fake.dropConnections();
    await bot.fake.until(() => bot!.fake.connections === 2 && bot!.fake.connected === 1, 'the reconnection');
    expect(await bot.say(member(2, '/whoami'))).toHaveLength(1);
  });

  it('logs a refused secret once, clearly, and the other platforms keep running', async () => {
    const other = new RecordingAdapter();
    bot = await startDingTalkBot({ clientSecret: 'a-wrong-secret-123', others: [other] });
    await bot.fake.until(() => bot!.logLines.some((l) => l.includes('refused the Client ID')), 'the log line');
    const lines = bot.logLines.filter((l) => l.includes('DingTalk'));
    expect(lines.filter((l) => l.includes('refused'))).toHaveLength(1);
    expect(bot.adapter.isOnline()).toBe(false);
    expect(bot.fake.connections).toBe(0);
    const before = other.sent.length;
    // The other platform still answers: its admin 李四 asks privately (an unbound group would answer
    // an admin only /bindchat and /help).
    await other.deliver(other.message('李四', '/whoami', { private: true, sentAt: bot.clock.now() }));
    await bot.app.idle(other.platform);
    expect(other.sent.length).toBe(before + 1);
    expect(JSON.stringify(other.sent.at(-1))).toContain('姓名：李四');
  });

  it('writes neither the client secret nor any access token to a log line', async () => {
    const consoleLines: string[] = [];
    for (const m of ['info', 'warn', 'error', 'log'] as const) vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void consoleLines.push(a.map(String).join(' ')));
    bot = await startDingTalkBot();
    await bot.say(admin('/bindchat 东北流村党支部'));
    bot.clock.advance(3 * 3600_000);
    bot.fake.failNext.push({ status: 500, body: { code: 'ServiceUnavailable' } });
    await enqueueMessages(bot.db.db, [{ chat: { platform: 'dingtalk', chatId: 'cidVillage1', kind: 'group' }, message: { kind: 'text', text: '通知' }, key: 's1' }], () => bot!.adapter.capabilities, bot.clock.now());
    bot.app.outbox.notify();
    await bot.fake.until(() => bot!.fake.calls.some((c) => c.status === 500), 'the 500');
    await bot.app.idle('dingtalk');
    bot.fake.revokeTokens();
    bot.clock.advance(5000);
    bot.app.outbox.notify();
    await bot.fake.until(() => bot!.fake.sent.some((s) => s.content === '通知'), 'the retried send');
    bot.fake.dropConnections();
    await bot.fake.until(() => bot!.fake.connected === 1 && bot!.fake.connections === 2, 'the reconnection');
    const all = [...bot.logLines, ...consoleLines].join('\n');
    expect(bot.logLines.some((l) => l.includes('will be retried') && l.includes('ServiceUnavailable'))).toBe(true);
    expect(bot.fake.issuedTokens.length).toBe(2);
    for (const secret of [bot.fake.clientSecret, ...bot.fake.issuedTokens]) expect(all).not.toContain(secret);
  });
});
