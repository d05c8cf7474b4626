import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { announcedId, BRANCH, receiptCodes, setUpBranch, startPollsBot, textOf, type PollsBot } from './harness.ts';
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
    // Eligible: 30 members, the secretary and the admin of the branch.
    expect(res).toContain('参与：30 / 32 人（94%）');
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
    expect(closed[0]).toMatch(new RegExp(`^#${id} 已结束。\\n#${id} 投票结果（已结束）：活动选哪几项\\n1\\. 植树：1 票\\n2\\. 义诊：1 票\\n3\\. '; DROP TABLE Poll;--：1 票\\n参与：2 / 4 人（50%）$`));
    expect(await bot.texts('甲', `/vote #${id} 2`)).toEqual([`#${id} 已经结束，不能再投票了。`]);
    expect(await bot.texts('乙', '1')).toEqual([]);
    expect(await bot.texts(SEC, `/close #${id}`)).toEqual([`#${id} 已经结束了。`]);
    expect(await bot.db.db.pollBallot.count({ where: { pollId: id } })).toBe(2);
  });

  it('a close time passes: votes are refused and the first /results closes and posts', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲', '乙']);
    const announce = await bot.texts(SEC, '/poll 开会时间 | 周六 | 周日 --close 2h');
    expect(announce[0]).toContain('截止：2026-11-26 18:00');
    const id = announcedId(announce);
    await bot.texts('甲', '2');
    bot.clock.advance(2 * 3600_000);
    expect(await bot.texts('乙', '1')).toEqual([]);
    expect(await bot.texts('乙', `/vote #${id} 1`)).toEqual([`#${id} 已经结束，不能再投票了。`]);
    const out = await bot.texts('乙', `/results #${id}`);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(`#${id} 已结束。`);
    expect(counts(out[0]!)).toEqual({ '1. 周六': 0, '2. 周日': 1 });
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
    expect(which).toEqual([`现在有几项投票在等你回答，请写明编号：\n#${a} 第一个：/vote #${a} 1\n#${b} 第二个：/vote #${b} 1`]);
    expect(await bot.db.db.pollReceipt.count()).toBe(0);
    await bot.texts('甲', `/vote #${a} 1`);
    expect(await bot.texts('甲', '2')).toEqual([`已记录：你在 #${b} 选了 2. 二。`]);
    expect(await bot.texts('甲', '/vote #999 1')).toEqual(['没有找到投票 #999。']);
  });
});

describe('anonymous polls', () => {
  it('no link between member and choice: schema, rows of every table, export and logs', async () => {
    bot = await startPollsBot();
    const vs = voters(6);
    await setUpBranch(bot, SEC, vs);
    const announce = await bot.texts(SEC, '/poll 是否同意修订村规民约 | 同意 | 不同意 | 弃权 --anon');
    expect(announce[0]).toContain('匿名');
    const id = announcedId(announce);
    const picks = [0, 1, 0, 2, 0, 1];
    const newIds: number[] = [];
    for (const [i, v] of vs.entries()) {
      const before = new Set((await bot.db.db.pollAnonBallot.findMany({ where: { pollId: id }, select: { id: true } })).map((r) => r.id));
      const out = await bot.say(v, i % 2 ? `/vote #${id} ${picks[i]! + 1}` : String(picks[i]! + 1));
      const group = out.filter((d) => d.chat.kind === 'group').map((d) => textOf(d.message));
      expect(group).toEqual([`已收到你在 #${id} 的匿名票。\n回执码已私信发给你。`]);
      newIds.push(...(await bot.db.db.pollAnonBallot.findMany({ where: { pollId: id }, select: { id: true } })).map((r) => r.id).filter((x) => !before.has(x)));
    }
    // Ballot ids are random, not a sequence in voting order (six sequential ids would be 1..6 apart)…
    expect(newIds).toHaveLength(6);
    expect(Math.max(...newIds) - Math.min(...newIds)).toBeGreaterThan(1000);
    // …and on SQLite the rows are stored in id order (a rowid table), so the file's row order is
    // that random order, not the order of the votes.
    // (NOT INDEXED: a plain scan of the table, in storage order.)
    const stored = await bot.db.db.$queryRawUnsafe<{ id: number | bigint }[]>(`SELECT id FROM "PollAnonBallot" NOT INDEXED WHERE "pollId" = ${id}`);
    const storedIds = stored.map((r) => Number(r.id));
    expect(storedIds).toEqual([...storedIds].sort((a, b) => a - b));
    // One voter changes their ballot with the code; another tries without.
    const code0 = receiptCodes(bot, vs[0]!)[0]!;
    expect(await bot.texts(vs[0]!, `/vote #${id} 3 ${code0}`, { private: true })).toEqual([`已更改你在 #${id} 的匿名票。`]);
    picks[0] = 2;
    expect(await bot.texts(vs[0]!, `/vote #${id} check ${code0}`, { private: true })).toEqual([`回执码有效：这张票已计入 #${id}，内容是：3. 弃权。`]);
    expect((await bot.texts(vs[1]!, `/vote #${id} 1`))[0]).toContain('匿名票要改，请附上回执码');
    expect((await bot.texts(vs[2]!, `/vote #${id} 1 ${receiptCodes(bot, vs[1]!)[0]!.replace(/.$/, (c) => (c === '2' ? '3' : '2'))}`))[0]).toContain('回执码不对');

    // The schema: the ballot table has no column that could name a voter or a time.
    const cols = (await bot.db.db.$queryRawUnsafe<{ name: string }[]>('PRAGMA table_info("PollAnonBallot")')).map((c) => c.name).sort();
    expect(cols).toEqual(['choices', 'id', 'pollId', 'score', 'tag']);
    const receiptCols = (await bot.db.db.$queryRawUnsafe<{ name: string }[]>('PRAGMA table_info("PollReceipt")')).map((c) => c.name).sort();
    expect(receiptCols).toEqual(['id', 'memberId', 'pollId']);

    // The rows: dump every table; no receipt code appears anywhere; ballot tags appear only in ballots.
    const tables = (await bot.db.db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((t) => t.name);
    const dump: Record<string, string> = {};
    for (const t of tables) dump[t] = JSON.stringify(await bot.db.db.$queryRawUnsafe(`SELECT * FROM "${t}"`), (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
    const codes = vs.flatMap((v) => receiptCodes(bot!, v));
    expect(codes).toHaveLength(6);
    for (const code of codes) for (const [t, rows] of Object.entries(dump)) expect(rows.includes(code), `${code} in ${t}`).toBe(false);
    for (const [t, rows] of Object.entries(dump)) expect(rows.includes('内容是'), `a checked ballot's content in ${t}`).toBe(false);
    const ballots = await bot.db.db.pollAnonBallot.findMany({ where: { pollId: id } });
    for (const b of ballots) for (const [t, rows] of Object.entries(dump)) if (t !== 'PollAnonBallot') expect(rows.includes(b.tag), `tag in ${t}`).toBe(false);
    // The inbox keeps that each vote happened, not what it said.
    const events = await bot.db.db.inboundEvent.findMany();
    const voteEvents = events.filter((e) => e.payload.includes('[redacted]'));
    expect(voteEvents.length).toBe(6 + 4);
    for (const e of events) expect(e.payload).not.toMatch(/\/vote|"text":"[123]"/);
    // The outbox: receipts erased once delivered; no reply names a choice of this poll.
    const outbox = await bot.db.db.outboxMessage.findMany();
    expect(outbox.filter((o) => o.payload.includes('[erased]'))).toHaveLength(6 + 1);
    for (const o of outbox.filter((o) => o.payload.includes('匿名票'))) expect(o.payload).not.toMatch(/同意|弃权/);
    // The tally is still exact.
    const [res] = await bot.texts(SEC, `/results #${id}`);
    const expected = [0, 0, 0];
    for (const p of picks) expected[p]! += 1;
    expect(counts(res!)).toEqual({ '1. 同意': expected[0], '2. 不同意': expected[1], '3. 弃权': expected[2] });
    // The export has counts, never voters.
    const file = (await bot.say(SEC, `/export #${id}`)).find((d) => d.message.kind === 'file')!.message;
    const csv = file.kind === 'file' ? Buffer.from(file.contentBase64, 'base64').toString('utf8') : '';
    for (const v of vs) expect(csv).not.toContain(v);
    expect(csv).not.toContain('投票人');
    // /turnout names who has not voted, never how anyone voted.
    const [turnout] = await bot.texts(SEC, `/turnout #${id}`);
    expect(turnout).toBe(`#${id} 应投 8 人，已投 6 人，还有 2 人未投：\n${SEC}、管理员`);
    // The logs: nothing with a code, a voter's name next to a vote, or a vote command.
    const logText = bot.logs.join('\n');
    // Positive control: the captured lines are the bot's own log (else every check below passes on nothing).
    expect(bot.logs.some((l) => l.includes('adapter started')), 'the bot logs into bot.logs').toBe(true);
    for (const code of codes) expect(logText).not.toContain(code);
    expect(logText).not.toContain('/vote');
    for (const b of ballots) expect(logText).not.toContain(b.tag);
  });

  it('the receipt code proves the ballot was counted, privately; others learn nothing from it', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, SEC, ['甲', '乙']);
    const id = announcedId(await bot.texts(SEC, '/poll 选谁当组长 | 张三 | 李四 --anon'));
    // Voting in the private chat: the code comes right there.
    const mine = await bot.say('甲', `/vote #${id} 2`, { private: true });
    expect(mine.map((d) => d.chat.chatId)).toEqual(['甲', '甲']);
    const code = receiptCodes(bot, '甲')[0]!;
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(await bot.texts('甲', `/vote #${id} check ${code.toLowerCase().replace('-', '')}`, { private: true })).toEqual([
      `回执码有效：这张票已计入 #${id}，内容是：2. 李四。`,
    ]);
    // In a group the same check says only "counted".
    expect(await bot.texts('甲', `/vote #${id} 核对 ${code}`)).toEqual([`回执码有效：这张票已计入 #${id}。`]);
    expect(await bot.texts('乙', `/vote #${id} check 2222-2222`)).toEqual([`#${id} 里没有这个回执码对应的票。`]);
    expect(await bot.texts('乙', `/vote #${id} check`)).toEqual([`核对回执码：/vote #${id} check 回执码`]);
    // A named poll has no codes.
    const named = announcedId(await bot.texts(SEC, '/poll 记名 | 是 | 否'));
    await bot.texts('乙', `/vote #${named} 1`);
    expect(await bot.texts('乙', `/vote #${named} check ${code}`)).toEqual([`#${named} 是记名投票，没有回执码。你的票：1. 是。`]);
  });

  it('where private messages are impossible, the chat is told and no code is sent anywhere', async () => {
    bot = await startPollsBot({ capabilities: { privateMessages: false } });
    await setUpBranch(bot, SEC, ['甲']);
    const id = announcedId(await bot.texts(SEC, '/poll 选谁 | 张三 | 李四 --anon'));
    const out = await bot.say('甲', '1');
    expect(out.map((d) => [d.chat.chatId, textOf(d.message)])).toEqual([
      [BRANCH, `已收到你在 #${id} 的匿名票。\n这里不能私信，回执码没有发出。你的票已计入，但以后不能核对或更改。需要回执码的话，请私聊机器人投票。`],
    ]);
    expect(await bot.db.db.pollAnonBallot.count({ where: { pollId: id } })).toBe(1);
  });
});

describe('ratings', () => {
  it('--min hides an anonymous rating until K ballots; then count, mean, median and bands', async () => {
    bot = await startPollsBot();
    const vs = voters(6);
    await setUpBranch(bot, SEC, vs);
    const announce = await bot.texts(SEC, '/rate 村党支部书记张三 --anon');
    expect(announce[0]).toContain('满 5 人才公布');
    const id = announcedId(announce);
    const scores = ['95', '95分', '九十五', '打80分', '59'];
    for (const [i, s] of scores.slice(0, 4).entries()) expect((await bot.texts(vs[i]!, s))[0]).toBe(`已收到你在 #${id} 的匿名票。\n回执码已私信发给你。`);
    const hidden = `#${id} 是匿名测评，满 5 人才公布结果，以免推算出个人打分。现在 4 人。`;
    expect(await bot.texts(SEC, `/results #${id}`)).toEqual([hidden]);
    expect(await bot.texts(vs[0]!, `/results #${id}`)).toEqual([hidden]);
    expect(await bot.texts(SEC, `/export #${id}`)).toEqual([hidden]);
    await bot.texts(vs[4]!, scores[4]!);
    const [res] = await bot.texts(vs[0]!, `/results #${id}`);
    // 95, 95, 95, 80, 59: mean 84.8, median 95.
    expect(res).toBe(
      [
        `#${id} 测评结果（进行中）：村党支部书记张三`,
        '参评 5 人，平均分 84.8，中位数 95',
        '90-100 分：3 人',
        '80-89 分：1 人',
        '60-79 分：0 人',
        '60 分以下：1 人',
        '参与：5 / 8 人（63%）',
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
    const early = await bot.say(SEC, `/results #${id}`);
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
    expect(get('应投人数')).toBe('5');
    expect(get('已投人数')).toBe('3');
    expect(get('1. 植树')).toBe('1');
    expect(get("'2. =HYPERLINK(\"x\")") ?? get('2. =HYPERLINK("x")')).toBe('3');
    expect(get('3. 义诊')).toBe('1');
    expect(rows.some((r) => r[0]?.startsWith('='))).toBe(false);
    expect(get('甲')).toBe('1. 植树; 2. =HYPERLINK("x")');
    expect(get('丙')).toBe('2. =HYPERLINK("x"); 3. 义诊');
  });
});
