// CSV import through the whole bot: a secretary pastes a CSV with bad rows (or names a file in the
// imports folder); the report lists the rows accepted and refused and why; the bank is then usable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';
import { QUESTIONS } from './support.ts';

type Db = Awaited<ReturnType<typeof freshSqlite>>;
let bot: TestBot | undefined;
let db: Db | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await bot?.stop();
  await db?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  bot = undefined;
  db = undefined;
  dataDir = undefined;
});

/** Questions of a shipped bank. */
const count = (bankId: string) => QUESTIONS.filter((q) => q.bankId === bankId).length;

const CSV = [
  '题目,选项,答案,解析,出处',
  '党的最高领导机关是什么？,党的全国代表大会和它所产生的中央委员会|中央纪律检查委员会|国务院,A,党的最高领导机关是党的全国代表大会和它所产生的中央委员会。,《中国共产党章程》第二章第十条',
  '党员的党龄从预备期满转为正式党员之日算起。,,对,党员的党龄从预备期满转为正式党员之日算起。,《中国共产党章程》第一章第七条',
  '少了出处的题,甲|乙,A,解析,',
  '答案超范围的题,甲|乙|丙,D,解析,出处',
  '判断题答错格式,,也许,解析,出处',
  '"党员的党龄从预备期满转为正式党员之日算起。",,对,重复,出处',
].join('\n');

async function setUp(env: Record<string, string> = {}): Promise<TestBot> {
  db = await freshSqlite();
  bot = await startTestBot(db, { clock: new ManualClock('2026-11-26T02:00:00Z'), env });
  await bot.app.scheduler.stop();
  await bot.say('管理员', '/bindchat 东北流村党支部');
  await bot.say('赵书记', '大家好');
  await bot.say('管理员', '/setrole 赵书记 书记');
  return bot;
}

describe('CSV import', () => {
  it('reports the rows accepted and refused, with each reason, and the bank can be quizzed', { timeout: 90_000 }, async () => {
    const b = await setUp();
    expect(await b.say('张三', `/quiz import 党章补充\n${CSV}`)).toEqual(['只有书记或管理员可以导入题库。']);
    expect(await b.say('赵书记', `/quiz import 党章补充\n${CSV}`)).toEqual([
      [
        '题库“党章补充”导入完成：接受2行，拒绝4行。',
        '第4行：缺少出处',
        '第5行：答案“D”超出范围，只有3个选项',
        '第6行：判断题（选项为空）的答案应为“对”或“错”，这里是“也许”',
        '第7行：和第3行的题目重复',
        '发送“/quiz 党章补充”开始答题。',
      ].join('\n'),
    ]);
    expect(await b.say('赵书记', `/quiz import 党章补充\n${CSV}`)).toEqual(['题库名“党章补充”已经有了，请换一个名字。']);
    expect(await b.say('赵书记', `/quiz import 党章\n${CSV}`)).toEqual(['题库名“党章”已经有了，请换一个名字。']);
    expect(await b.say('赵书记', `/quiz import daily\n${CSV}`)).toEqual(['“daily”不能做题库名（会被当成命令或题数），请换一个名字。']);
    expect(await b.say('赵书记', `/quiz import 第二期 10\n${CSV}`)).toEqual(['“第二期 10”不能做题库名（会被当成命令或题数），请换一个名字。']);
    expect(await b.say('赵书记', '/quiz banks')).toEqual([
      [
        '题库列表：',
        `支部工作：${count('branch-work')}题（也可以叫：支部条例、支部工作条例、党支部）`,
        `党章：${count('constitution')}题（也可以叫：党章知识、中国共产党章程、constitution）`,
        `纪律处分：${count('discipline')}题（也可以叫：党纪、纪律、纪律处分条例）`,
        `廉洁自律准则：${count('integrity')}题（也可以叫：廉洁自律、廉洁准则）`,
        `本镇机制：${count('local-practice')}题（也可以叫：镇里做法、本镇工作机制）`,
        `党员教育管理：${count('member-education')}题（也可以叫：党员教育管理工作条例、党员管理）`,
        `党费：${count('party-dues')}题（也可以叫：党费收缴、交纳党费）`,
        `党内政治生活准则：${count('party-life')}题（也可以叫：若干准则、党内政治生活）`,
        `发展党员：${count('recruitment')}题（也可以叫：发展党员工作细则、入党程序）`,
        '党章补充：2题',
        '发送“/quiz 题库名 题数”开始答题，例如：/quiz 党章 5',
      ].join('\n'),
    ]);
    const started = await b.say('张三', '/quiz 党章补充 5');
    expect(started[0]).toBe('答题 #1 开始：党章补充，共2题，每题30秒。答对得分，越快分越高。（题库只有2题）');
    expect(started[1]).toMatch(/^答题 #1 第1\/2题（30秒）\n(党的最高领导机关是什么？|党员的党龄从预备期满转为正式党员之日算起。)\n/);
  });

  it('refuses a CSV where no row is good, and one that cannot be read, storing nothing', async () => {
    const b = await setUp();
    expect(await b.say('赵书记', '/quiz import 坏题库\n只有题目\n,甲|乙,A,解析,出处')).toEqual([
      ['没有导入任何题目，所有行都不合格：', '第1行：应有5列（题目,选项,答案,解析,出处），这一行有1列', '第2行：题目是空的'].join('\n'),
    ]);
    expect(await b.say('赵书记', '/quiz import 坏题库\n"引号没闭合,甲|乙,A,解析,出处')).toEqual(['CSV格式有误（第1行附近），多半是引号没有配对。']);
    expect(await b.say('赵书记', '/quiz 坏题库')).toEqual(['没有“坏题库”这个题库。现有题库：支部工作、党章、纪律处分、廉洁自律准则、本镇机制、党员教育管理、党费、党内政治生活准则、发展党员']);
    expect(await b.say('赵书记', '/quiz import 坏题库')).toEqual([expect.stringMatching(/^格式不对。\n例如：/) as unknown as string]);
  });

  it('reads a file from the imports folder of the data directory, and nothing outside it', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quiz-import-'));
    fs.mkdirSync(path.join(dataDir, 'imports'));
    fs.writeFileSync(path.join(dataDir, 'imports', '支部题库.csv'), `\uFEFF${CSV}\r\n`);
    const b = await setUp({ BOT_DATA_DIR: dataDir });
    expect((await b.say('管理员', '/quiz import 支部学习 支部题库.csv'))[0]).toMatch(/^题库“支部学习”导入完成：接受2行，拒绝4行。\n/);
    expect(await b.say('管理员', '/quiz import 别的 没有.csv')).toEqual([
      '导入文件夹里没有“没有.csv”。请把CSV文件放进机器人数据目录的 imports 文件夹，或者换行后直接粘贴CSV内容。',
    ]);
    expect((await b.say('管理员', '/quiz import 别的 ../imports/支部题库.csv'))[0]).toMatch(/^格式不对。/);
  });
});
