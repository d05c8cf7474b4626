import { afterEach, describe, expect, it } from 'vitest';
import { countOpenSuggestions, suggestionCounts } from '../../../src/features/suggestions/store.ts';
import { startMeetingBot, type MeetingBot } from '../meetings/support.ts';

let bot: MeetingBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** A branch with a masses chat; 李书记 secretary, 张三 member, 赵大妈 and 钱大爷 masses (钱大爷 on Telegram). */
async function branch(): Promise<MeetingBot> {
  const b = (bot = await startMeetingBot('2026-11-26T00:00:00Z'));
  await b.say('管理员', '/bindchat 东北流村党支部');
  await b.say('管理员', '/bindchat 东北流村党支部 masses', { chat: '东北流村群众群' });
  await b.say('9001', '/bindchat 东北流村党支部 masses', { platform: 'telegram', chat: '-100777' });
  await b.say('李书记', '大家好');
  await b.say('张三', '大家好');
  await b.say('赵大妈', '你好', { chat: '东北流村群众群' });
  await b.say('8002', '你好', { platform: 'telegram', chat: '-100777' });
  await b.say('管理员', '/setrole 李书记 书记');
  return b;
}

describe('suggestions', () => {
  it('anyone, masses included, can suggest; secretaries list them with status', async () => {
    const b = await branch();
    expect(await b.ask('赵大妈', '/suggest 村口路灯坏了，晚上出行不安全', { chat: '东北流村群众群' })).toEqual([
      '已收到你的建议 #1，会在月末干群联席会上研究。处理结果会告诉你。',
    ]);
    expect(await b.ask('8002', '/suggest 修一修东头的水渠', { platform: 'telegram', chat: '-100777' })).toEqual([
      '已收到你的建议 #2，会在月末干群联席会上研究。处理结果会告诉你。',
    ]);
    expect(await b.ask('张三', '#建议 多组织几次党课')).toEqual(['已收到你的建议 #3，会在月末干群联席会上研究。处理结果会告诉你。']);
    expect((await b.ask('张三', `/suggest ${'长'.repeat(501)}`))[0]).toBe('建议太长了，请控制在 500 个字以内。');
    expect((await b.ask('张三', '/suggest'))[0]).toMatch(/^格式不对。\n例如：\/suggest 村口路灯坏了/);
    // SQL-looking and emoji text is just text.
    expect(await b.ask('张三', "/suggest '); DROP TABLE Suggestion;-- 👍")).toEqual(['已收到你的建议 #4，会在月末干群联席会上研究。处理结果会告诉你。']);
    expect(await b.ask('张三', '/suggestions')).toEqual(['这个命令需要管理员、书记身份才能用。']);

    const list = (await b.ask('李书记', '/suggestions'))[0]!.split('\n');
    expect(list).toEqual([
      '东北流村党支部的建议：共 4 条，待研究 4 条。',
      "#4 [待研究] '); DROP TABLE Suggestion;-- 👍 —— 张三，11月26日 周四",
      '#3 [待研究] 多组织几次党课 —— 张三，11月26日 周四',
      '#2 [待研究] 修一修东头的水渠 —— 8002，11月26日 周四',
      '#1 [待研究] 村口路灯坏了，晚上出行不安全 —— 赵大妈，11月26日 周四',
    ]);
    const unit = (await b.database.db.orgUnit.findFirstOrThrow()).id;
    expect(await countOpenSuggestions(b.database.db, unit)).toBe(4);
  });

  it('a status change is recorded with its reply and the sender is told privately (or in their chat)', async () => {
    const b = await branch();
    await b.say('赵大妈', '/suggest 村口路灯坏了', { chat: '东北流村群众群' });
    await b.say('8002', '/suggest 修水渠', { platform: 'telegram', chat: '-100777' });
    await b.say('张三', '/suggest 多组织党课');

    const accepted = await b.say('李书记', '/suggestions #1 accept 下周安排电工维修');
    // Different chats are delivered in parallel: compare in a fixed order (group first).
    const byKind = (seen: typeof accepted) => [...seen].sort((x, y) => x.kind.localeCompare(y.kind));
    expect(byKind(accepted).map((s) => [s.platform, s.chatId, s.kind, s.text])).toEqual([
      ['console', '东北流村党支部', 'group', '建议 #1 已改为“已采纳”。已告诉提建议的人。'],
      ['console', '赵大妈', 'private', '你的建议 #1“村口路灯坏了”：已采纳。\n答复：下周安排电工维修'],
    ]);
    const done = await b.say('李书记', '#建议列表 #1 办结');
    expect(byKind(done).map((s) => s.text)).toEqual(['建议 #1 已改为“已办结”。已告诉提建议的人。', '你的建议 #1“村口路灯坏了”：已办结。\n答复：下周安排电工维修']);
    expect(await b.ask('李书记', '/suggestions #1 done')).toEqual(['建议 #1 已经是“已办结”了。']);

    expect(await b.ask('李书记', '/suggestions #2 decline')).toEqual(['不采纳时请写上理由，例如：/suggestions #2 不采纳 超出本村职责，已转镇里']);
    const declined = await b.say('李书记', '/suggestions #2 不采纳 水渠归水利站管，已转交');
    expect(byKind(declined).map((s) => [s.platform, s.chatId, s.text])).toEqual([
      ['console', '东北流村党支部', '建议 #2 已改为“不采纳”。已告诉提建议的人。'],
      ['telegram', '8002', '你的建议 #2“修水渠”：不采纳。\n答复：水渠归水利站管，已转交'],
    ]);

    expect(await b.ask('李书记', '/suggestions #9 accept')).toEqual(['没有编号为 #9 的建议。']);
    expect((await b.ask('李书记', '/suggestions #3 maybe'))[0]).toMatch(/^格式不对/);
    expect((await b.ask('李书记', '/suggestions open'))[0]!.split('\n')).toEqual(['东北流村党支部待研究的建议：1 条。', '#3 [待研究] 多组织党课 —— 张三，11月26日 周四']);
    const all = (await b.ask('李书记', '/suggestions'))[0]!.split('\n');
    expect(all).toContain('#1 [已办结] 村口路灯坏了 —— 赵大妈，11月26日 周四');
    expect(all).toContain('    答复：下周安排电工维修');

    const unit = (await b.database.db.orgUnit.findFirstOrThrow()).id;
    expect(await suggestionCounts(b.database.db, unit, new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'))).toEqual({
      open: 1,
      accepted: 0,
      done: 1,
      declined: 1,
    });
  });

  it('a secretary of another unit cannot change it; without private messages the sender is told in the chat', async () => {
    const b = await branch();
    await b.say('张三', '/suggest 多组织党课');
    await b.say('管理员', '/bindchat 西岭村党支部', { chat: '西岭村党支部' });
    await b.say('周书记', '你好', { chat: '西岭村党支部' });
    await b.say('管理员', '/setrole 周书记 书记', { chat: '西岭村党支部' });
    expect(await b.ask('周书记', '/suggestions #1 accept', { chat: '西岭村党支部' })).toEqual(['建议 #1 不是本单位的，你不能处理。']);

    // The console platform without private messages: the answer goes to the chat it came from.
    (b.adapters.console as { capabilities: { privateMessages: boolean } }).capabilities = { ...b.adapters.console.capabilities, privateMessages: false };
    const seen = await b.say('管理员', '/suggestions #1 accept 好');
    expect(seen.map((s) => [s.chatId, s.text])).toEqual([
      ['东北流村党支部', '建议 #1 已改为“已采纳”。已告诉提建议的人。'],
      ['东北流村党支部', '张三，你的建议 #1“多组织党课”：已采纳。\n答复：好'],
    ]);
  });

  it('a chat bound to no unit cannot take suggestions (a stranger there gets nothing; /help says how to bind)', async () => {
    const b = await branch();
    expect(await b.ask('路人', '/suggest 你好', { chat: '闲聊群' })).toEqual([]);
    expect((await b.ask('路人', '/help', { chat: '闲聊群' }))[0]).toContain('/bindchat');
    expect(await b.database.db.suggestion.count()).toBe(0);
  });
});
