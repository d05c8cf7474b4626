// The cross-unit sweep (issue 16): branch 甲 has one item of every kind a command names by `#N`
// (a poll, a meeting, a suggestion, a pledge, a task, a review). Branch 乙's secretary and member,
// in 乙's group and in their private chats, name each of 甲's items with every command that takes
// an id. Each attempt must write nothing and show nothing of 甲's item: the oracle is the row counts
// and 甲's own words (titles and texts typed below), not the bot's refusal wording.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { freshSqlite } from '../support/db.ts';
import { domainRowCounts, startReliabilityBot, type ReliabilityBot } from '../support/reliability.ts';

const GROUP_A = '甲支部群';
const GROUP_B = '乙支部群';
/** Words that exist only in 甲's items: none may reach 乙's people. */
const SECRET_WORDS = ['甲村道路', '东线', '甲支部党员大会', '甲村路灯', '修通甲村', '甲村巡查', '甲书记', '甲党员'];

let db: Database;
let bot: ReliabilityBot;
const ids = { poll: 0, meeting: 0, suggestion: 0, pledge: 0, task: 0, review: 0 };

/** Sends `text` as `user` (in `chat`, or privately) and returns every text the bot sent to that chat. */
async function say(user: string, text: string, chat?: string): Promise<string[]> {
  const target = chat ?? user;
  const before = bot.adapter.textsTo(target).length;
  await bot.adapter.deliver(bot.adapter.message(user, text, chat ? { chat } : { private: true }));
  await bot.app.idle();
  return bot.adapter.textsTo(target).slice(before);
}

beforeAll(async () => {
  db = await freshSqlite();
  bot = await startReliabilityBot(db, { env: { BOT_ADMINS: 'console:管理员', BOT_LOCALE: 'zh-CN', BOT_COMMANDS_PER_MINUTE: '0' } });
  await say('管理员', '/bindchat 甲支部', GROUP_A);
  await say('管理员', '/bindchat 乙支部', GROUP_B);
  for (const [user, chat] of [['甲书记', GROUP_A], ['甲党员', GROUP_A], ['乙书记', GROUP_B], ['乙党员', GROUP_B]] as const) await say(user, '/whoami', chat);
  for (const user of ['乙书记', '乙党员']) await say(user, '/whoami'); // their private chats exist before the sweep counts rows
  await say('管理员', '/setrole @甲书记 secretary', GROUP_A);
  await say('管理员', '/setrole @乙书记 secretary', GROUP_B);
  await say('甲书记', '/poll 甲村道路先修哪条 | 东线 | 西线 --hide', GROUP_A);
  await say('甲书记', '/meeting 甲支部党员大会 | 0 20 1 * * | 甲村会议室 --kind 支部党员大会', GROUP_A);
  await say('甲党员', '/suggest 甲村路灯坏了', GROUP_A);
  await say('甲党员', '/pledge 修通甲村小路 目标1条', GROUP_A);
  await say('管理员', '/task 甲村巡查 M2 甲支部 截止2027-12-31', GROUP_A);
  await say('甲书记', '/review 2026', GROUP_A);
  const [poll, meeting, suggestion, pledge, task, review] = await Promise.all([
    db.db.poll.findFirst(), db.db.meeting.findFirst(), db.db.suggestion.findFirst(), db.db.pledge.findFirst(), db.db.task.findFirst(), db.db.review.findFirst(),
  ]);
  Object.assign(ids, { poll: poll?.id, meeting: meeting?.id, suggestion: suggestion?.id, pledge: pledge?.id, task: task?.id, review: review?.id });
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await db?.close();
});

/** Every command that names an item by id, aimed at 甲's items. */
function attempts(): string[] {
  const { poll: p, meeting: m, suggestion: s, pledge: g, task: t, review: r } = ids;
  return [
    `/vote #${p} 1`, `/results #${p}`, `/results #${p} 图`, `/close #${p}`, `/turnout #${p}`, `/publish #${p}`, `/export #${p}`,
    `/rsvp #${m} 到`, `/leave #${m} 有事`, `/attendance #${m} 到:1`, `/attendance #${m}`, `/minutes #${m} 议题：甲 决议：乙`, `/minutes #${m}`, `/meeting cancel #${m}`,
    `/suggestions #${s} 采纳 好`, `/pledges #${g}`, `/checkin #${g} +1 做了`, `/progress #${t} 已巡查 +20%`, `/progress #${t} 完成`,
    `/review #${r}`, `/review #${r} 自评`, `/review #${r} 测评`, `/review #${r} 结束`, `/review #${r} 结果 @甲党员 合格`,
  ];
}

describe('cross-unit sweep', () => {
  it('branch 甲 has one item of each kind', () => {
    expect(Object.values(ids).every((id) => typeof id === 'number' && id > 0), JSON.stringify(ids)).toBe(true);
  });

  it("乙's secretary and member, in 乙's group and privately, change nothing of 甲's and see none of it", async () => {
    let checked = 0;
    for (const user of ['乙书记', '乙党员']) {
      for (const chat of [GROUP_B, undefined]) {
        for (const text of attempts()) {
          const before = await domainRowCounts(db);
          const replies = (await say(user, text, chat)).join('\n');
          const where = `${text} by ${user} ${chat ? 'in 乙' : 'privately'}`;
          expect(replies.length, `${where}: some reply`).toBeGreaterThan(0);
          expect(SECRET_WORDS.filter((w) => replies.includes(w)), `${where}: ${replies}`).toEqual([]);
          expect(await domainRowCounts(db), `rows after ${where}`).toEqual(before);
          checked++;
        }
      }
    }
    expect(checked).toBe(4 * attempts().length);
  }, 300_000);

  it("乙's list commands show nothing of 甲's (suggestions, meetings, polls, pledges, tasks)", async () => {
    for (const text of ['/suggestions', '/meetings', '/polls', '/pledges', '/tasks', '/attendance', '/ledger']) {
      const replies = (await say('乙书记', text, GROUP_B)).join('\n');
      expect(SECRET_WORDS.filter((w) => replies.includes(w)), `${text}: ${replies}`).toEqual([]);
    }
  }, 120_000);

  it("positive control: 甲's own secretary sees 甲's poll turnout and meeting roll call", async () => {
    expect((await say('甲书记', `/turnout #${ids.poll}`, GROUP_A)).join('\n')).toMatch(/应投|参与/);
    expect((await say('甲书记', `/suggestions`, GROUP_A)).join('\n')).toContain('甲村路灯');
  });
});
