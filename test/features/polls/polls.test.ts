import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { announcedId, BRANCH, setUpBranch, startPollsBot, textOf, type PollsBot } from './harness.ts';
import { decodePng, PNG_SIGNATURE } from './png.ts';

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const SEC = '书记王芳';
const voters = (n: number) => Array.from({ length: n }, (_, i) => `党员${String(i + 1).padStart(2, '0')}`);

/** The count lines of a choice result: `1. 东线：12 票` → { '1. 东线': 12 }. */
function counts(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(\d+\. .+?)：(\d+) 票$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('choice polls', () => {
  it('30 voters with replacements and a duplicated delivery: the exact tally', async () => {
    bot = await startPollsBot();
    const vs = voters(30);
    await setUpBranch(bot, SEC, vs);
    const id = announcedId(await bot.texts(SEC, '/poll 村道先修哪条 | 东线 | 西线 | 都不修'));
    const expected = [0, 0, 0];
    const choice = new Map<string, number>();
    // Everyone votes, in all the forms older members use.
    const forms = (k: number) => [`/vote #${id} ${k + 1}`, String(k + 1), ['A', 'B', 'C'][k]!, ['Ａ', 'Ｂ', 'Ｃ'][k]!, `选${['A', 'B', 'C'][k]}`, `#选 ${id} ${k + 1}`];
    for (const [i, v] of vs.entries()) {
      const k = i % 3;
      const form = forms(k)[i % 6]!;
      const replies = await bot.texts(v, form);
      expect(replies, `${v} ${form}`).toEqual([`已记录：你在 #${id} 选了 ${k + 1}. ${['东线', '西线', '都不修'][k]}。`]);
      choice.set(v, k);
    }
    // Ten change their mind (to 西线) while open.
    for (const v of vs.slice(0, 10)) {
      expect(await bot.texts(v, `/vote #${id} 2`)).toEqual([`已改为：你在 #${id} 选了 2. 西线。`]);
      choice.set(v, 1);
    }
    // A bare answer after voting is ordinary chat (no reply, no change).
    expect(await bot.texts(vs[10]!, '1')).toEqual([]);
    // The same platform event delivered twice counts once.
    const ev = bot.adapter.message(vs[11]!, `/vote #${id} 3`, { chat: BRANCH, eventId: 'dup-1', sentAt: bot.clock.now() });
    expect(await bot.app.handle(ev)).toBe('done');
    expect(await bot.app.handle(ev)).toBe('duplicate');
    await bot.app.idle();
    choice.set(vs[11]!, 2);
    for (const k of choice.values()) expected[k]! += 1;

    const [res] = await bot.texts('党员30', `/results #${id}`);
    expect(counts(res!)).toEqual({ '1. 东线': expected[0], '2. 西线': expected[1], '3. 都不修': expected[2] });
    expect(expected.reduce((a, b) => a + b, 0)).toBe(30);
    // Eligible: 30 members and the secretary; the admin belongs to the township, not the branch.
    expect(res).toContain('参与：30 / 31 人（97%）');
    const rows = await bot.db.db.pollBallot.count({ where: { pollId: id } });
    const receipts = await bot.db.db.pollReceipt.count({ where: { pollId: id } });
    expect([rows, receipts]).toEqual([30, 30]);
  });

  it('multi-choice, hostile input, and votes after close are refused', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲', '乙']);
    const id = announcedId(await bot.texts(SEC, "/poll 活动选哪几项 | 植树 | 义诊 | '; DROP TABLE Poll;-- --multi"));
    expect(await bot.texts('甲', '1 3')).toEqual([`已记录：你在 #${id} 选了 1. 植树、3. '; DROP TABLE Poll;--。`]);
    expect(await bot.texts('乙', `/vote #${id} 4`)).toEqual([`请回复 1 到 3 中的选项，可以选多个，例如：/vote #${id} 1 3`]);
    expect(await bot.texts('乙', `/vote #${id} ${'9'.repeat(5000)}`)).toHaveLength(1);
    expect(await bot.texts('乙', '😀')).toEqual([]);
    expect(await bot.texts('乙', `/vote #${id} 2`)).toEqual([`已记录：你在 #${id} 选了 2. 义诊。`]);
    expect(await bot.texts('甲', `/close #${id}`)).toEqual(['这个命令需要管理员、书记身份才能用。']);
    const closed = await bot.texts(SEC, `/close #${id}`);
    expect(closed[0]).toMatch(new RegExp(`^#${id} 已结束。\\n#${id} 投票结果（已结束）：活动选哪几项\\n1\\. 植树：1 票\\n2\\. 义诊：1 票\\n3\\. '; DROP TABLE Poll;--：1 票\\n参与：2 / 3 人（67%）$`));
    expect(await bot.texts('甲', `/vote #${id} 2`)).toEqual([`#${id} 已经结束，不能再投票了。`]);
    expect(await bot.texts('乙', '1')).toEqual([]);
    expect(await bot.texts(SEC, `/close #${id}`)).toEqual([`#${id} 已经结束了。`]);
    expect(await bot.db.db.pollBallot.count({ where: { pollId: id } })).toBe(2);
  });

  it('a close time passes: a late vote is refused, and the first access closes the poll and posts its results', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲', '乙']);
    const announce = await bot.texts(SEC, '/poll 开会时间 | 周六 | 周日 --close 2h');
    expect(announce[0]).toContain('截止：2026-11-26 18:00');
    const id = announcedId(announce);
    await bot.texts('甲', '2');
    bot.clock.advance(2 * 3600_000);
    expect(await bot.texts('乙', '1')).toEqual([]);
    const late = await bot.texts('乙', `/vote #${id} 1`);
    expect(late.at(-1)).toBe(`#${id} 已经结束，不能再投票了。`);
    // Whichever comes first after the close time (this vote, or /results) closes the poll and posts its results.
    const out = await bot.texts('乙', `/results #${id}`);
    const posted = [...late, ...out].filter((t) => t.includes(`#${id} 投票结果（已结束）`));
    expect(posted.length).toBeGreaterThanOrEqual(1);
    expect([...late, ...out].some((t) => t.includes(`#${id} 已结束。`))).toBe(true);
    for (const p of posted) expect(counts(p)).toEqual({ '1. 周六': 0, '2. 周日': 1 });
  });

  it('rules: who may launch, where, limits; several open polls make a bare answer ambiguous', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲']);
    expect(await bot.texts('甲', '/poll 问 | 一 | 二')).toEqual(['这个命令需要管理员、书记身份才能用。']);
    expect((await bot.texts(SEC, '/poll 问 | 一'))[0]).toContain('至少要有两个选项');
    expect((await bot.texts(SEC, '/poll 问 | 一 | 一'))[0]).toBe('有两个选项一模一样，请改一下。');
    expect((await bot.texts(SEC, '/poll 问 | 一 | 二 --close 昨天'))[0]).toContain('截止时间“昨天”看不懂');
    expect((await bot.texts(SEC, `/poll 问 | ${Array.from({ length: 21 }, (_, i) => `选项${i}`).join(' | ')}`))[0]).toBe('选项最多 20 个。');
    expect((await bot.texts(SEC, '/poll 问 | 一 | 二', { private: true }))[0]).toBe('请在已绑定单位的群里发起。');
    const a = announcedId(await bot.texts(SEC, '/poll 第一个 | 一 | 二'));
    const b = announcedId(await bot.texts(SEC, '/poll 第二个 | 一 | 二'));
    const which = await bot.texts('甲', '1');
    expect(which).toEqual([`现在有几件事在等你回答，请照下面发：\n投票 #${a} 第一个：/vote #${a} 1\n投票 #${b} 第二个：/vote #${b} 1`]);
    expect(await bot.db.db.pollReceipt.count()).toBe(0);
    await bot.texts('甲', `/vote #${a} 1`);
    expect(await bot.texts('甲', '2')).toEqual([`已记录：你在 #${b} 选了 2. 二。`]);
    expect(await bot.texts('甲', '/vote #999 1')).toEqual(['没有找到投票 #999。']);
  });
});

// Anonymous polls: test/features/polls/secret.test.ts and test/reliability/forensic-sqlite.test.ts.

describe('ratings', () => {
  it('an anonymous rating shows nothing before close, and nothing at all under 5 ballots; then count, mean, median and bands', async () => {
    bot = await startPollsBot();
    const vs = voters(6);
    await setUpBranch(bot, SEC, vs);
    const announce = await bot.texts(SEC, '/rate 村党支部书记张三 --anon');
    expect(announce[0]).toContain('满 5 人才公布');
    const id = announcedId(announce);
    for (const [i, s] of ['95', '95分', '九十五', '打80分'].entries()) expect((await bot.texts(vs[i]!, s, { private: true }))[0]).toBe(`已收到你在 #${id} 的匿名票。`);
    const small = announcedId(await bot.texts(SEC, '/rate 村委会 --anon'));
    for (const v of vs.slice(0, 4)) await bot.texts(v, `/vote #${small} 90`, { private: true });
    expect((await bot.texts(SEC, `/close #${small}`))[0]).toContain(`#${small} 已结束，但不足 5 票（4 票），结果不公布，以免推算出个人的票。`);
    expect(await bot.texts(vs[0]!, `/results #${small}`)).toEqual([`#${small} 已结束，但不足 5 票（4 票），结果不公布，以免推算出个人的票。`]);
    await bot.texts(vs[4]!, '59', { private: true });
    const [res] = await bot.texts(SEC, `/close #${id}`);
    // 95, 95, 95, 80, 59: mean 84.8, median 95.
    expect(res).toContain(
      [
        `#${id} 测评结果（已结束）：村党支部书记张三`,
        '参评 5 人，平均分 84.8，中位数 95',
        '90-100 分：3 人',
        '80-89 分：1 人',
        '60-79 分：0 人',
        '60 分以下：1 人',
        '参与：5 / 7 人（71%）',
      ].join('\n'),
    );
  });

  it('a named rating is not hidden and a second score replaces the first', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲', '乙']);
    const id = announcedId(await bot.texts(SEC, '/rate 镇党委 --close 24h'));
    expect(await bot.texts('甲', '90')).toEqual([`已记录：你给 #${id} 打了 90 分。`]);
    expect(await bot.texts('甲', `/vote #${id} 七十`)).toEqual([`已改为：你给 #${id} 打了 70 分。`]);
    expect(await bot.texts('乙', `/vote #${id} 101`)).toEqual([`请回复 0 到 100 的整数分，例如：/vote #${id} 95`]);
    const [res] = await bot.texts('乙', `/results #${id}`);
    expect(res).toContain('参评 1 人，平均分 70，中位数 70');
  });
});

describe('hidden results, chart and export', () => {
  it('--hide: members wait for the close; the secretary sees them privately; all see them after', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲', '乙']);
    const id = announcedId(await bot.texts(SEC, '/poll 评优人选 | 张三 | 李四 --hide --close 2026-12-01 20:00'));
    await bot.texts('甲', '1');
    await bot.texts('乙', '1');
    expect(await bot.texts('甲', `/results #${id}`)).toEqual([`#${id} 的结果截止后公布。截止时间：2026-12-01 20:00。`]);
    const early = await bot.say(SEC, `/results #${id} 图`);
    const inGroup = early.filter((d) => d.chat.kind === 'group').map((d) => textOf(d.message));
    expect(inGroup).toEqual([`#${id} 的结果还没公开，已私信发给你。`]);
    const privately = early.filter((d) => d.chat.kind === 'private' && d.chat.chatId === SEC);
    expect(textOf(privately[0]!.message)).toContain('（结果还没公开，仅你可见）');
    expect(counts(textOf(privately[0]!.message))).toEqual({ '1. 张三': 2, '2. 李四': 0 });
    expect(privately.some((d) => d.message.kind === 'image')).toBe(true);
    await bot.texts(SEC, `/close #${id}`);
    expect(counts((await bot.texts('甲', `/results #${id}`))[0]!)).toEqual({ '1. 张三': 2, '2. 李四': 0 });
  });

  it('results and close post a bar chart PNG where pictures are possible', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲']);
    const id = announcedId(await bot.texts(SEC, '/poll 修哪条路 | 东线 | 西线 | 南线'));
    await bot.texts('甲', '2');
    const out = await bot.say(SEC, `/close #${id}`);
    const image = out.find((d) => d.message.kind === 'image')!.message;
    if (image.kind !== 'image') throw new Error('no image');
    const png = Buffer.from(image.pngBase64, 'base64');
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const decoded = decodePng(png);
    expect([decoded.width, decoded.height]).toEqual([800, 72 + 3 * 64 + 56]);
    expect(image.caption).toBe(`#${id} 结果图`);
  });

  it('CSV export of a named poll: BOM, exact numbers, voters', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲', '乙', '丙']);
    const id = announcedId(await bot.texts(SEC, '/poll 集体活动 | 植树 | =HYPERLINK("x") | 义诊 --multi'));
    await bot.texts('甲', '1 2');
    await bot.texts('乙', '2');
    await bot.texts('丙', '2 3');
    const file = (await bot.say(SEC, `/export #${id}`)).find((d) => d.message.kind === 'file')!.message;
    if (file.kind !== 'file') throw new Error('no file');
    expect(file.fileName).toBe(`poll-${id}.csv`);
    const bytes = Buffer.from(file.contentBase64, 'base64');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.toString('utf8').slice(1), { relax_column_count: true }) as string[][];
    const get = (k: string) => rows.find((r) => r[0] === k)?.[1];
    expect(get('编号')).toBe(`#${id}`);
    expect(get('类型')).toBe('多选');
    // 甲, 乙, 丙 and the secretary (the admin is no branch member).
    expect(get('应投人数')).toBe('4');
    expect(get('已投人数')).toBe('3');
    expect(get('1. 植树')).toBe('1');
    expect(get("'2. =HYPERLINK(\"x\")") ?? get('2. =HYPERLINK("x")')).toBe('3');
    expect(get('3. 义诊')).toBe('1');
    expect(rows.some((r) => r[0]?.startsWith('='))).toBe(false);
    expect(get('甲')).toBe('1. 植树; 2. =HYPERLINK("x")');
    expect(get('丙')).toBe('2. =HYPERLINK("x"); 3. 义诊');
  });
});
