// The whole bot on WeCom: the real app around the real WecomAdapter (the official SDK over a real
// socket) against the fake WeCom long-connection server. Group messages are @-mentions; replies go
// back on the callback's req_id; polls and quiz questions are template cards whose clicks vote
// and answer; notices are sent proactively; drops, take-overs and a wrong secret are survived.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freshSqlite } from '../support/db.ts';
import { FakeWecom } from '../support/fake-wecom.ts';
import { flush, processed, startWecomBot, type WecomBot } from '../support/wecom-harness.ts';
import { RecordingAdapter } from '../support/recording-adapter.ts';
import type { Database } from '../../src/db/client.ts';

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

async function build(opts: { secret?: string; others?: RecordingAdapter[]; slowRetryMs?: number } = {}): Promise<{ fake: FakeWecom; bot: WecomBot; db: Database }> {
  db = await freshSqlite();
  const clock = new (await import('../../src/clock.ts')).ManualClock('2026-11-26T02:00:00Z');
  fake = new FakeWecom({ clock: () => clock.now().getTime() });
  await fake.start();
  bot = await startWecomBot({ db, fake, clock, ...opts });
  if (!opts.secret) await fake.until(() => fake!.connected, 'the bot to subscribe');
  return { fake, bot, db };
}

/** A person says something (in the group unless `dm`); waits until it is processed and replies are sent; returns what came back to that chat. */
async function say(userId: string, text: string, opts: { dm?: boolean; msgid?: string } = {}): Promise<string[]> {
  const chat = opts.dm ? userId : GROUP;
  const before = fake!.to(chat).length;
  const msgid = fake!.say(userId, opts.dm ? text : `@先锋 ${text}`, { ...(opts.dm ? {} : { chatId: GROUP }), ...(opts.msgid ? { msgid: opts.msgid } : {}) });
  await processed(db!, msgid);
  await flush(bot!);
  return fake!.to(chat).slice(before).map((d) => d.text);
}

async function click(userId: string, card: { taskId: string; eventKey: string; optionIds?: string[] }): Promise<void> {
  const msgid = fake!.click(userId, card, GROUP);
  await processed(db!, msgid);
  await flush(bot!);
}

async function bindVillage(): Promise<void> {
  expect(await say('zhangwei', '/bindchat 东北流村党支部')).toEqual(['本群已绑定到“东北流村党支部”。（新建了这个单位）']);
  for (const p of ['lisi', 'wangwu', 'zhaoliu']) await say(p, '大家好');
}

describe('WeCom adapter end to end', () => {
  it('binds a group, answers @-mentions on the callback req_id, and answers a redelivered msgid once', async () => {
    await build();
    await bindVillage();
    const first = fake!.to(GROUP)[0]!;
    expect(first.cmd).toBe('aibot_respond_msg');
    expect(first.body).toMatchObject({ msgtype: 'stream', stream: { finish: true } });
    const whoami = await say('lisi', '/whoami', { msgid: 'dup-1' });
    expect(whoami).toHaveLength(1);
    expect(whoami[0]).toContain('东北流村党支部');
    expect(await say('lisi', '/whoami', { msgid: 'dup-1' })).toEqual([]);
    expect(await db!.db.inboundEvent.count({ where: { eventId: 'dup-1' } })).toBe(1);
    // A bare answer addressed with @先锋 reaches the bot with the mention removed.
    const row = await db!.db.inboundEvent.findFirst({ where: { eventId: 'dup-1' } });
    expect(JSON.parse(row!.payload).content).toMatchObject({ mentionsBot: true, textWithoutMention: '/whoami' });
  });

  it('sends a poll as a vote card; clicks (one changed) and a typed @先锋 /vote give exact results; the clicker’s card shows the vote', async () => {
    await build();
    await bindVillage();
    await say('zhangwei', '/poll 村道先修哪条 | 东线 | 西线 | 都不修');
    const card = fake!.cards(GROUP).at(-1)! as { card_type: string; task_id: string; checkbox: { option_list: { id: string; text: string }[] }; submit_button: { key: string } };
    expect(card.card_type).toBe('vote_interaction');
    expect(card.checkbox.option_list.map((o) => o.text)).toEqual(['1. 东线', '2. 西线', '3. 都不修']);
    const vote = (userId: string, option: string) => click(userId, { taskId: card.task_id, eventKey: card.submit_button.key, optionIds: [option] });
    // 李四 clicks 1 and at once changes their mind to 3: the two clicks are handled in order.
    const firstClick = fake!.click('lisi', { taskId: card.task_id, eventKey: card.submit_button.key, optionIds: ['1'] }, GROUP);
    await vote('lisi', '3');
    await processed(db!, firstClick);
    await vote('wangwu', '2');
    await say('zhaoliu', '/vote #1 2');
    // The admin (张伟) belongs to the township only: the village's voters are its 3 members.
    const results = await say('zhangwei', '/results #1');
    expect(results[0]).toBe(['#1 投票结果（进行中）：村道先修哪条', '1. 东线：0 票', '2. 西线：2 票', '3. 都不修：1 票', '参与：3 / 3 人（100%）'].join('\n'));
    await fake!.until(() => fake!.deliveries.filter((d) => d.cmd === 'aibot_respond_update_msg').length === 3, 'three card updates');
    const updates = fake!.deliveries.filter((d) => d.cmd === 'aibot_respond_update_msg');
    expect(updates[1]!.body).toMatchObject({ userids: ['lisi'], template_card: { task_id: card.task_id, submit_button: { text: '已投' } } });
    const ticked = (updates[1]!.body.template_card as typeof card).checkbox.option_list.filter((o) => (o as { is_checked?: boolean }).is_checked);
    expect(ticked.map((o) => o.id)).toEqual(['3']);
  });

  it('sends an anonymous rating as a card of scores; a click votes and the receipt goes privately', async () => {
    await build();
    await bindVillage();
    await say('zhangwei', '/rate 村委会服务 --anon');
    const card = fake!.cards(GROUP).at(-1)! as { card_type: string; task_id: string; submit_button: { key: string }; checkbox: { option_list: { id: string; text: string }[] } };
    expect(card.card_type).toBe('vote_interaction'); // 7 scores: more than a button card holds
    const ninety = card.checkbox.option_list.find((o) => o.text === '90')!;
    await click('wangwu', { taskId: card.task_id, eventKey: card.submit_button.key, optionIds: [ninety.id] });
    expect(fake!.to(GROUP).at(-1)!.text).toContain('已收到你在 #1 的匿名票');
    expect(fake!.to('wangwu').at(-1)!.text).toMatch(/^#1「村委会服务」的回执码：/); // the receipt, in the 1:1 chat
    // Only 王五's copy of the card is replaced, and it shows their score ticked.
    await fake!.until(() => fake!.deliveries.some((d) => d.cmd === 'aibot_respond_update_msg'), 'the card update');
    const update = fake!.deliveries.find((d) => d.cmd === 'aibot_respond_update_msg')!;
    expect(update.body).toMatchObject({ userids: ['wangwu'] });
  });

  it('sends quiz questions as button cards answered by clicks', async () => {
    await build();
    await bindVillage();
    await say('lisi', '/quiz 党章 1');
    const card = fake!.cards(GROUP).at(-1)! as { card_type: string; task_id: string; button_list: { text: string; key: string }[] };
    expect(card.card_type).toBe('button_interaction');
    expect(card.button_list[0]!.key).toMatch(/^\/answer #1 q1 1$/);
    for (const [user, i] of [['lisi', 0], ['wangwu', 1]] as const) await click(user, { taskId: card.task_id, eventKey: card.button_list[i]!.key });
    expect(await db!.db.quizAnswer.count()).toBe(2);
    // The card update follows the processing of each click: wait for both.
    await fake!.until(() => fake!.deliveries.filter((d) => d.cmd === 'aibot_respond_update_msg').length === 2, 'two card updates');
    const updates = fake!.deliveries.filter((d) => d.cmd === 'aibot_respond_update_msg');
    expect(updates.map((u) => u.body.userids)).toEqual([['lisi'], ['wangwu']]);
  });

  it('delivers a scheduled meeting notice proactively', async () => {
    const { bot: b } = await build();
    await bindVillage();
    await say('zhangwei', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
    for (let i = 0; i < 100; i++) {
      const next = await b.app.scheduler.nextDueAt();
      if (next === null || next > new Date('2026-12-02T12:00:30Z')) break;
      if (next > b.clock.now()) b.clock.set(next);
      await b.app.scheduler.runDue(b.clock.now());
      await flush(b);
    }
    const notice = fake!.to(GROUP).filter((d) => d.cmd === 'aibot_send_msg').map((d) => d.text);
    expect(notice.some((t) => t.startsWith('【会议通知】#1 支委会'))).toBe(true);
    // WeCom groups show the bot only @-mentions, so the notice asks for "@先锋 到", not a bare 到.
    expect(notice.find((t) => t.startsWith('【会议通知】#1 支委会'))).toContain('“@先锋 到”');
    expect(fake!.to(GROUP).filter((d) => d.cmd === 'aibot_send_msg')[0]!.body).toMatchObject({ chatid: GROUP, msgtype: 'markdown' });
  });

  it('greets a person who opens the 1:1 chat once, on the enter_chat req_id: a stranger with how to join, a member with /help', async () => {
    await build();
    // A stranger (on no roster) is told how to join, once; a repeated enter_chat is not answered
    // again, and their next message is answered on its own req_id, not on the old welcome's.
    fake!.enterChat('sunqi');
    await processed(db!, 'enter_chat:sunqi');
    await flush(bot!);
    fake!.enterChat('sunqi');
    await say('sunqi', '/whoami', { dm: true });
    const hints = fake!.to('sunqi').filter((d) => d.cmd === 'aibot_respond_welcome_msg');
    expect(hints).toHaveLength(1);
    expect(hints[0]!.text).toContain('/join 加入码');
    expect(fake!.to('sunqi').at(-1)).toMatchObject({ cmd: 'aibot_respond_msg', text: expect.stringContaining('/join 加入码') });

    // A member on the roster (registered by speaking in the bound group) gets the welcome.
    await bindVillage();
    fake!.enterChat('lisi');
    await processed(db!, 'enter_chat:lisi');
    await flush(bot!);
    fake!.enterChat('lisi');
    await say('lisi', '/whoami', { dm: true });
    const welcomes = fake!.to('lisi').filter((d) => d.cmd === 'aibot_respond_welcome_msg');
    expect(welcomes).toHaveLength(1);
    expect(welcomes[0]!.text).toContain('/help');
    expect(fake!.to('lisi').at(-1)).toMatchObject({ cmd: 'aibot_respond_msg' });
  });

  it('reconnects after the connection drops mid-conversation and answers the next message', async () => {
    await build();
    await bindVillage();
    fake!.drop();
    await fake!.until(() => fake!.connected, 'the bot to reconnect');
    expect(fake!.subscribes.filter((s) => s.ok)).toHaveLength(2);
    expect(await say('lisi', '/whoami')).toHaveLength(1);
  });

  it('does not fight a take-over: a kick leaves it kicked, with one clear log line, until the slow retry', async () => {
    const { bot: b } = await build();
    fake!.kick();
    await fake!.until(() => b.adapter.status === 'kicked', 'the kick to be seen');
    const subscribes = fake!.subscribes.length;
    await fake!.until(() => !fake!.connected, 'the socket to close');
    expect(fake!.subscribes.length).toBe(subscribes);
    expect(b.adapter.isOnline()).toBe(false);
    expect(b.logs.filter((l) => l.includes('"level":50'))).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(`${b.dataDir}/wecom-status.json`, 'utf8'))).toMatchObject({ state: 'kicked' });
  });

  it('an authentication failure is one error line and a status, however often it is retried; the other adapters keep running; the secret is never logged', async () => {
    const other = new RecordingAdapter();
    const { bot: b } = await build({ secret: 'definitely-wrong-secret-42', others: [other], slowRetryMs: 10 });
    await fake!.until(() => b.adapter.status === 'auth_failed', 'the auth failure');
    // It keeps retrying slowly; the same failure is not logged again as an error.
    await fake!.until(() => fake!.subscribes.length >= 3, 'two slow retries');
    const errors = b.logs.filter((l) => l.includes('"level":50'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('WECOM_BOT_SECRET');
    expect(b.logs.join('\n')).not.toContain('definitely-wrong-secret-42');
    await other.deliver(other.message('管理员', '/help'));
    await b.app.outbox.tick();
    expect(other.sent.length).toBeGreaterThan(0);
  });

  it('keeps the real secret out of every log line of a whole session', async () => {
    const { bot: b } = await build();
    await bindVillage();
    await say('zhangwei', '/poll 开会时间 | 周一 | 周二');
    fake!.drop();
    await fake!.until(() => fake!.connected, 'reconnect');
    fake!.failNextSend(GROUP, 40001);
    await say('lisi', '/whoami');
    fake!.kick();
    await fake!.until(() => b.adapter.status === 'kicked', 'kick');
    expect(b.logs.length).toBeGreaterThan(10);
    for (const line of b.logs) expect(line).not.toContain(fake!.secret);
  });
});
