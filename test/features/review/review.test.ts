// 民主评议党员 (issue 20) through the real app on a SQLite file with a manual clock: a branch of 12
// Party members (one exempt under 第二十三条, so 11 are reviewed), private self-assessments with a
// correction, the anonymous 民主测评 by private text on the polls slice's secret ballots, nothing
// shown before close, results per member only with at least 5 ballots, the 支委会's decisions, the
// 台账 line and /report; and the forensic checks: no row links a voter to a grade, logs hold none.
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { reviewScore } from '../../../src/features/review/api.ts';
import { setUpBranch, startPollsBot, textOf, type PollsBot } from '../polls/harness.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const SEC = '书记王芳';
// The secretary and 11 members make the branch of 12 (the admin belongs to no unit).
const MEMBERS = Array.from({ length: 11 }, (_, i) => `党员${String(i + 1).padStart(2, '0')}`);

/** The ballots delivered privately to `user`: subject label → poll id. */
function ballotsOf(b: PollsBot, user: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of b.adapter.sent) {
    if (d.chat.kind !== 'private' || d.chat.chatId !== user) continue;
    const m = /请评价 (\S+（M\d+）)。\n私聊回复 \/vote #(\d+)/.exec(textOf(d.message));
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

it('a review of a branch of 12: self-assessments, anonymous ratings, results only at close and with ≥5 ballots, decisions, 台账', async () => {
  bot = await startPollsBot({ start: '2026-12-01T02:00:00Z' });
  await setUpBranch(bot, SEC, MEMBERS);
  await bot.say('管理员', `/setrole @${MEMBERS[9]} probationary`);
  await bot.say(SEC, `/exempt @${MEMBERS[8]} 年老体弱`);

  const opened = await bot.say(SEC, '/review');
  const reply = opened.filter((d) => d.chat.kind === 'group').map((d) => textOf(d.message));
  expect(reply[0]).toMatch(/^东北流村党支部2026 年民主评议 #1 开始：11 名党员参加（1 名免于评议）/);
  const asked = opened.filter((d) => d.chat.kind === 'private').map((d) => d.chat.chatId);
  expect(asked).toContain(MEMBERS[9]);
  expect(asked).not.toContain(MEMBERS[8]);
  expect(await bot.texts(SEC, '/review 2026')).toEqual(['东北流村党支部2026 年的民主评议已经开始了：#1。']);

  expect(await bot.texts(MEMBERS[0]!, '/selfreview 在群里写')).toEqual(['自评请私聊机器人发送，不要发在群里。']);
  expect(await bot.texts(MEMBERS[0]!, '/selfreview 今年参加组织生活10次。\n带头修村道。', { private: true })).toEqual(['已收到你的 2026 年个人自评（18 字）。']);
  expect(await bot.texts(MEMBERS[0]!, '/selfreview 今年参加组织生活12次。\n带头修村道，帮扶两户。', { private: true })).toEqual([expect.stringMatching(/^已替换你的 2026 年个人自评（第 2 稿，\d+ 字）。$/)]);
  expect(await bot.texts(MEMBERS[8]!, '/selfreview 我也写', { private: true })).toEqual(['现在没有需要你写自评的民主评议。']);
  const [selfList] = await bot.texts(SEC, '/review #1 自评');
  expect(selfList).toContain('已交 1/11');
  expect(selfList).toContain('今年参加组织生活12次。\n带头修村道，帮扶两户');
  expect(selfList).not.toContain('10次');
  expect(selfList).toMatch(/未交：.*党员02/);

  const rating = (await bot.say(SEC, '/review #1 测评')).filter((d) => d.chat.kind === 'group').map((d) => textOf(d.message)).join('\n');
  expect(rating).toContain('每人对其他 10 名党员评');
  const voters = [SEC, ...MEMBERS.filter((_, i) => i !== 8)];
  const ballots = new Map(voters.map((v) => [v, ballotsOf(bot!, v)]));
  for (const v of voters) expect(ballots.get(v)!.size).toBe(10);
  const label = (name: string) => [...ballots.get(MEMBERS[10]!)!.keys(), ...ballots.get(SEC)!.keys()].find((k) => k.startsWith(`${name}（`))!;
  const poll01 = ballots.get(SEC)!.get(label(MEMBERS[0]!))!;
  const poll02 = ballots.get(SEC)!.get(label(MEMBERS[1]!))!;
  // Nobody rates themself, and the exempt member is not rated.
  expect(await bot.texts(MEMBERS[0]!, `/vote #${poll01} 1`, { private: true })).toEqual([`你不在 #${poll01} 的投票范围内。`]);
  expect([...ballots.get(SEC)!.keys()].some((k) => k.startsWith(MEMBERS[8]!))).toBe(false);

  // Everyone rates 党员01: 7 优秀, 3 合格; only 4 rate 党员02 (不足5票).
  const raters01 = voters.filter((v) => v !== MEMBERS[0]);
  for (const [i, v] of raters01.entries()) {
    const got = await bot.texts(v, `/vote #${poll01} ${i < 7 ? 1 : 2}`, { private: true });
    expect(got[0]).toBe(`已收到你在 #${poll01} 的匿名票。`);
    expect(await bot.texts(SEC, `/results #${poll01}`)).toEqual([`#${poll01} 是民主评议 #1 的测评票，结果只在 /review #1 结束 时私下发给书记。`]);
  }
  for (const v of voters.filter((x) => x !== MEMBERS[1]).slice(0, 4)) await bot.texts(v, `/vote #${poll02} 3`, { private: true });
  expect((await bot.texts(MEMBERS[2]!, `/vote #${poll01} 4`, { private: true }))[0]).toContain('匿名票投出后不能更改');
  expect(await bot.texts(SEC, '/review #1')).toEqual(['评议 #1（2026 年，测评中）：11 人参加，自评已交 1 人，已评定 0 人。']);

  // Forensic: no row links a voter to a grade; events and logs hold no ballot.
  const file = bot.db.url.replace(/^file:/, '');
  const copy = new BetterSqlite3(file, { readonly: true });
  try {
    const cols = (t: string) => (copy.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name);
    expect(cols('PollAnonBallot')).toEqual(['id', 'pollId', 'choices', 'score']);
    for (const t of ['ReviewSubject', 'ReviewDecision', 'ReviewSelfAssessment', 'Review']) expect(cols(t).join(',')).not.toMatch(/choice|score/i);
    const subjectCounts = copy.prepare(`SELECT "counts" FROM "ReviewSubject" WHERE "counts" IS NOT NULL`).all();
    expect(subjectCounts).toEqual([]);
  } finally {
    copy.close();
  }
  expect(bot.logs.filter((l) => l.includes('/vote #'))).toEqual([]);
  // The bytes of the database and its WAL hold no typed ballot (`/vote #P k`) anywhere.
  for (const ext of ['', '-wal']) {
    if (!fs.existsSync(file + ext)) continue;
    expect(fs.readFileSync(file + ext).toString('utf8')).not.toMatch(/\/vote #\d+ [1-4]/);
  }

  // The gradings belong to the review: no /close, /results or /export of one on its own; /polls marks them.
  expect(await bot.texts(SEC, `/close #${poll01}`)).toEqual([`#${poll01} 是民主评议 #1 的测评票，不能单独结束。请用 /review #1 结束，结果私下发给书记。`]);
  expect(await bot.texts(SEC, `/results #${poll01}`, { private: true })).toEqual([`#${poll01} 是民主评议 #1 的测评票，结果只在 /review #1 结束 时私下发给书记。`]);
  expect((await bot.texts(SEC, `/export #${poll01}`))[0]).toContain('不能导出');
  const [listed] = await bot.texts(MEMBERS[1]!, '/polls');
  expect(listed).toContain(`#${poll01} 民主测评（评议 #1）：请评价 ${label(MEMBERS[0]!)}。（你已投）`);
  expect(listed).not.toContain(`#${poll01} 投票`);

  // The close posts no member's figures in the group: they go to the secretary privately.
  const closing = await bot.say(SEC, '/review #1 结束');
  const inGroup = closing.filter((d) => d.chat.kind === 'group').map((d) => textOf(d.message));
  expect(inGroup).toEqual(['评议 #1 的民主测评已结束，结果已私聊发给你，供支委会评定，不在群里公布。']);
  const toSecretary = closing.filter((d) => d.chat.kind === 'private');
  expect(toSecretary.map((d) => d.chat.chatId)).toEqual([SEC]);
  const results = textOf(toSecretary[0]!.message);
  expect(await bot.texts(SEC, `/results #${poll01}`)).toEqual([expect.stringContaining('私下发给书记')]);
  expect(results).toContain('评议 #1 民主测评结果（2026 年）：');
  expect(results).toMatch(/党员01（M\d+）：优秀 7，合格 3，基本合格 0，不合格 0（10 票）/);
  expect(results).toMatch(/党员02（M\d+）：不足5票（4 票），不公布/);
  expect(results).toMatch(/党员03（M\d+）：不足5票（0 票），不公布/);
  expect((await bot.texts(MEMBERS[3]!, `/vote #${poll02} 1`, { private: true }))[0]).toContain('已经结束');

  const [decided] = await bot.texts(SEC, `/review #1 结果 @${MEMBERS[0]} 优秀`);
  expect(decided).toMatch(/^已记录：党员01（M\d+，东北流村党支部），2026 年民主评议结果 优秀。$/);
  const [changed] = await bot.texts(SEC, `/review #1 结果 @${MEMBERS[1]} 基本合格`);
  expect(changed).toContain('基本合格');
  expect((await bot.texts(SEC, `/review #1 结果 @${MEMBERS[1]} 合格`))[0]).toContain('（原为 基本合格）');
  expect(await bot.texts(SEC, `/review #1 结果 @${MEMBERS[8]} 合格`)).toEqual([expect.stringContaining('不在评议 #1 的名单里')]);
  expect(await bot.texts(SEC, `/review #1 结果 @${MEMBERS[2]} 很好`)).toEqual([expect.stringContaining('请写明是谁和结果')]);
  expect(await bot.texts(MEMBERS[2]!, `/review #1 结果 @${MEMBERS[2]} 优秀`)).toEqual([expect.stringContaining('书记')]);

  // The evaluation's review part: 优秀 and 合格 both pass, 2 of the 11 reviewed.
  const unitId = (await bot.db.db.review.findFirstOrThrow()).unitId;
  expect(await reviewScore(bot.db.db, unitId, 2026)).toBeCloseTo((100 * 2) / 11, 5);
  expect(await reviewScore(bot.db.db, unitId, 2025)).toBeNull();
  const [ledger] = await bot.texts(SEC, '/ledger');
  expect(ledger).toContain('民主评议党员（每年）：已开展（#1，已评定 2/11 人）');
  const report = (await bot.texts(SEC, '/report')).join('\n');
  expect(report).toContain('民主评议 2026 年：11 人参加，已评定 2 人（优秀 1，合格 1，基本合格 0，不合格 0）');
});
