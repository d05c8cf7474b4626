// Secret ballots that hold (issue 12), through the real app on a SQLite file: the differencing
// attack of a secretary, receipt abuse, group forms that must count nothing, and every stored
// row of the vote-like messages that were dropped or refused.
import { afterEach, describe, expect, it } from 'vitest';
import type { Incoming } from '../../../src/bot/types.ts';
import { announcedId, BRANCH, receiptCodes, setUpBranch, startPollsBot, textOf, type PollsBot } from './harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const SEC = '书记王芳';
const voters = (n: number) => Array.from({ length: n }, (_, i) => `党员${String(i + 1).padStart(2, '0')}`);

/** A press on the button `/vote #id k` in the branch group. */
function buttonPress(b: PollsBot, user: string, data: string): Incoming {
  return { ...b.adapter.message(user, '', { chat: BRANCH, sentAt: b.clock.now() }), content: { type: 'button', data } };
}

describe('secret ballots', () => {
  it('a secretary polling /results, /turnout and /export after each of 6 private votes learns only turnout; results appear at close', async () => {
    bot = await startPollsBot();
    const vs = voters(6);
    await setUpBranch(bot, SEC, vs);
    expect(await bot.texts(SEC, '/rate 村党支部书记张三 --anon --hide --min 1')).toEqual(['匿名投票满 5 票才公布结果，--min 只能写 5 到 1000。']);
    const announce = await bot.texts(SEC, '/rate 村党支部书记张三 --anon --hide');
    expect(announce[0]).toContain('匿名投票：请私聊机器人发送');
    const id = announcedId(announce);
    const scores = [95, 60, 80, 100, 70, 85];
    const refusal = `#${id} 是匿名投票，截止后才公布结果，谁都不能提前看（以免推算出个人的票）。`;
    for (const [i, v] of vs.entries()) {
      const mine = await bot.texts(v, `/vote #${id} ${scores[i]}`, { private: true });
      expect(mine[0]).toBe(`已收到你在 #${id} 的匿名票。`);
      expect(mine[1]).toMatch(/回执码：[2-9A-Z]{4}-[2-9A-Z]{4}/);
      expect(await bot.texts(SEC, `/results #${id}`)).toEqual([refusal]);
      expect(await bot.texts(SEC, `/results #${id}`, { private: true })).toEqual([refusal]);
      expect(await bot.texts('管理员', `/results #${id}`)).toEqual([refusal]);
      expect(await bot.texts(vs[0]!, `/results #${id}`)).toEqual([refusal]);
      expect(await bot.texts(SEC, `/export #${id}`)).toEqual([`#${id} 还没结束，结果还没公开，不能导出。截止后再导出。`]);
      const [turnout] = await bot.texts(SEC, `/turnout #${id}`);
      // 6 members and the secretary; the admin belongs to the township, not the branch.
      expect(turnout!.split('\n')[0]).toBe(`#${id} 应投 7 人，已投 ${i + 1} 人，还有 ${6 - i} 人未投：`);
      expect(turnout).not.toMatch(/分|平均|中位/);
    }
    const [closed] = await bot.texts(SEC, `/close #${id}`);
    // 95 60 80 100 70 85: mean 81.7, median 82.5.
    expect(closed).toContain('参评 6 人，平均分 81.7，中位数 82.5');
  });

  it('a receipt code held by someone else shows only "counted" and changes nothing; codes only in private', async () => {
    bot = await startPollsBot();
    const vs = ['甲', '乙', '丙', '丁', '戊'];
    await setUpBranch(bot, SEC, vs);
    const id = announcedId(await bot.texts(SEC, '/poll 选谁当组长 | 张三 | 李四 --anon'));
    await bot.texts('甲', `/vote #${id} 2`, { private: true });
    const code = receiptCodes(bot, '甲')[0]!;
    const counted = [`回执码有效：#${id} 里有这张票，已计入。`];
    expect(await bot.texts('甲', `/vote #${id} check ${code}`, { private: true })).toEqual(counted);
    expect(await bot.texts('乙', `/vote #${id} check ${code.toLowerCase().replace('-', '')}`, { private: true })).toEqual(counted);
    const cannot = [`回执码只能核对票已计入，不能改票。匿名票投出后不能更改。`];
    expect(await bot.texts('乙', `/vote #${id} 1 ${code}`, { private: true })).toEqual(cannot);
    expect(await bot.texts('甲', `/vote #${id} 1 ${code}`, { private: true })).toEqual(cannot);
    expect((await bot.texts('甲', `/vote #${id} 1`, { private: true }))[0]).toContain('匿名票投出后不能更改');
    expect(await bot.texts('乙', `/vote #${id} check ${code}`)).toEqual([`回执码只能私聊机器人使用，请私聊发送：/vote #${id} 核对 回执码`]);
    expect(await bot.texts('乙', `/vote #${id} check 2222-AAAA`, { private: true })).toEqual([`#${id} 里没有这个回执码对应的票。`]);
    for (const v of vs.slice(1)) await bot.texts(v, `/vote #${id} 1`, { private: true });
    // Counted after its batch landed too; 乙 (who voted 1) learns the same.
    expect(await bot.texts('乙', `/vote #${id} check ${code}`, { private: true })).toEqual(counted);
    const [res] = await bot.texts(SEC, `/close #${id}`);
    expect(res).toContain('1. 张三：4 票');
    expect(res).toContain('2. 李四：1 票');
  });

  it('in a group only a button counts: a bare answer gets a private hint, a typed vote a refusal, both count nothing', async () => {
    bot = await startPollsBot({ capabilities: { buttons: true } });
    await setUpBranch(bot, SEC, ['甲', '乙']);
    const id = announcedId(await bot.texts(SEC, '/poll 选谁 | 张三 | 李四 --anon'));
    const bare = await bot.say('甲', '1');
    expect(bare.map((d) => [d.chat.kind, textOf(d.message)])).toEqual([['private', `你刚才在群里回复的不计票：#${id} 是匿名投票，群里大家都看得见。请在这里发送：/vote #${id} 选项`]]);
    expect((await bot.texts('甲', `/vote #${id} 1`))[0]).toContain('在群里发的不计票');
    expect(await bot.db.db.pollReceipt.count({ where: { pollId: id } })).toBe(0);
    await bot.adapter.deliver(buttonPress(bot, '甲', `/vote #${id} 2`));
    await bot.app.idle();
    expect(bot.adapter.textsTo(BRANCH).at(-1)).toBe(`已收到你在 #${id} 的匿名票。\n回执码已私信发给你。`);
    expect(receiptCodes(bot, '甲')).toHaveLength(1);
    expect(await bot.db.db.pollReceipt.count({ where: { pollId: id } })).toBe(1);
  });

  it('where private messages are impossible, a button vote counts and no code is sent anywhere', async () => {
    bot = await startPollsBot({ capabilities: { privateMessages: false, buttons: true } });
    await setUpBranch(bot, SEC, ['甲']);
    const id = announcedId(await bot.texts(SEC, '/poll 选谁 | 张三 | 李四 --anon'));
    const before = bot.adapter.sent.length;
    await bot.adapter.deliver(buttonPress(bot, '甲', `/vote #${id} 1`));
    await bot.app.idle();
    expect(bot.adapter.sent.slice(before).map((d) => [d.chat.chatId, textOf(d.message)])).toEqual([
      [BRANCH, `已收到你在 #${id} 的匿名票。\n这里不能私信，回执码没有发出。你的票已收到。`],
    ]);
    expect(await bot.db.db.pollReceipt.count({ where: { pollId: id } })).toBe(1);
  });

  it('every vote-like message that is dropped, refused, stale or counted is stored without its text', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲', '乙', '丙']);
    const id = announcedId(await bot.texts(SEC, '/rate 村委会主任 --anon'));
    const sent: string[] = [];
    const say = async (user: string, text: string, o: { private?: boolean } = {}) => {
      sent.push(text);
      return bot!.texts(user, text, o);
    };
    await say('甲', `/vote #${id}，83`);
    await say('甲', `/vot #${id} 83`);
    await say('甲', `/vote #${id}`);
    await say('甲', `/vote #${id} 101`);
    await say('甲', '83分');
    await say('乙', '九十三');
    await say('乙', '88', { private: true });
    await say('丙', `/vote #${id} 77 ABCD-2345`, { private: true });
    await say('丙', `/vote #${id} check ABCD-2345`);
    // A vote that arrives after an outage: told to vote again, not counted, not kept.
    const late = bot.adapter.message('丙', `/vote #${id} 66`, { private: true, sentAt: new Date(bot.clock.now().getTime() - 3600_000) });
    expect(await bot.app.handle(late)).toBe('stale');
    await bot.app.idle();
    expect(bot.adapter.textsTo('丙').at(-1)).toBe('你的消息到得太晚（机器人中断过），没有处理，也没有保存。如果是投票，请重新投一次。');
    sent.push(`/vote #${id} 66`);
    const secrets = ['83', '88', '77', '66', 'ABCD-2345', '九十三'];
    const events = await bot.db.db.inboundEvent.findMany();
    const stored = events.map((e) => (JSON.parse(e.payload) as { content: { text?: string } }).content.text ?? '');
    for (const text of sent) expect(stored, text).not.toContain(text);
    for (const text of stored) for (const secret of secrets) expect(text, text).not.toContain(secret);
    expect(stored.filter((t) => t === '[redacted]')).toHaveLength(sent.length);
    const outbox = (await bot.db.db.outboxMessage.findMany()).map((o) => o.payload);
    for (const payload of outbox) for (const secret of secrets) expect(payload).not.toContain(secret);
    expect(await bot.db.db.pollReceipt.count({ where: { pollId: id } })).toBe(1);
  });
});
