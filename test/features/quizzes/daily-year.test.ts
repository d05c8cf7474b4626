// A year of 每日一题 for one member on a manual clock: members, opt-in and a CSV import go through
// the whole bot; then the daily job (`sendDailyQuestions`, what the scheduler runs at 08:00) runs
// on each of 365 days against the same SQLite file. 365 different questions, from the shipped
// banks and the imported one; once a small pool is used up, the one sent longest ago comes first.
// (personal.test.ts proves the scheduled job end to end for a day.)
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Tx } from '../../../src/bot/feature.ts';
import { loadPrompts, translator } from '../../../src/bot/i18n.ts';
import { ManualClock } from '../../../src/clock.ts';
import { loadBanks } from '../../../src/features/quizzes/banks/load.ts';
import { Catalog } from '../../../src/features/quizzes/catalog.ts';
import { sendDailyQuestions } from '../../../src/features/quizzes/personal.ts';
import { TEXT_ONLY_CAPABILITIES } from '../../../src/bot/adapter.ts';
import { baseContext } from '../../support/base-context.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';
import { QUESTIONS } from './support.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const catalog = new Catalog(loadBanks(path.join(ROOT, 'prompts', 'quizzes')));
const t = translator(loadPrompts(path.join(ROOT, 'prompts')), 'zh-CN');

type Db = Awaited<ReturnType<typeof freshSqlite>>;
let bot: TestBot | undefined;
let db: Db | undefined;

afterEach(async () => {
  await bot?.stop();
  await db?.close();
  bot = undefined;
  db = undefined;
});

/** 08:00 in Asia/Shanghai on 1 December 2026 + `days`. */
function eight(days: number): string {
  return new Date(Date.parse('2026-12-01T00:00:00Z') + days * 86_400_000).toISOString();
}

/** A CSV of `n` true/false questions with distinct texts. */
function csv(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => `导入题第${i + 1}题：本镇每月28日召开干群联席会。,,对,本镇的会议制度。,本镇工作机制`);
  return ['题目,选项,答案,解析,出处', ...rows].join('\n');
}

/** A bot where 张三 (a member of the bound village branch) has opted in to the daily question. */
async function setUp(clock: ManualClock): Promise<TestBot> {
  db = await freshSqlite();
  const b = (bot = await startTestBot(db, { clock }));
  await b.app.scheduler.stop(); // the test runs what is due itself
  await b.say('管理员', '/bindchat 东北流村党支部');
  await b.say('赵书记', '大家好');
  await b.say('管理员', '/setrole 赵书记 书记');
  await b.say('张三', '大家好');
  expect(await b.say('张三', '/quiz daily on')).toEqual(['已开启每日一题，每天08:00私信发给你。']);
  return b;
}

/** Runs the daily job on each of `days` days and returns the question text 张三 got each day. */
async function dailyTexts(clock: ManualClock, from: number, days: number): Promise<string[]> {
  const texts: string[] = [];
  const sent: string[] = [];
  const env = baseContext({
    db: db!.db as unknown as Tx,
    now: () => clock.now(),
    t,
    send: (chat, m) => void (chat.chatId === '张三' && sent.push(typeof m === 'string' ? m : (m as { text: string }).text)),
    capabilitiesOf: () => ({ ...TEXT_ONLY_CAPABILITIES, privateMessages: true }),
  });
  for (let d = from; d < from + days; d++) {
    clock.set(eight(d));
    sent.length = 0;
    await sendDailyQuestions(env, catalog);
    expect(sent, `day ${d}`).toHaveLength(1);
    texts.push(sent[0]!.split('\n')[1]!);
  }
  return texts;
}

describe('每日一题 over a year', () => {
  it('sends 365 different questions, from the shipped banks and an imported one', { timeout: 90_000 }, async () => {
    const clock = new ManualClock('2026-11-30T02:00:00Z');
    const b = await setUp(clock);
    const imported = Math.max(30, 400 - QUESTIONS.length);
    expect((await b.say('赵书记', `/quiz import 本镇补充\n${csv(imported)}`))[0]).toMatch(new RegExp(`^题库“本镇补充”导入完成：接受${imported}行`));

    const texts = await dailyTexts(clock, 0, 365);
    expect(new Set(texts).size).toBe(365);
    const fromImport = texts.filter((t) => t.startsWith('导入题')).length;
    expect(fromImport).toBeGreaterThan(0);
    expect(365 - fromImport).toBeGreaterThan(0);
  });

  it('once every question was sent, sends the one sent longest ago first', { timeout: 90_000 }, async () => {
    const clock = new ManualClock('2026-11-30T02:00:00Z');
    await setUp(clock);
    const pool = QUESTIONS.length;
    const first = await dailyTexts(clock, 0, pool);
    expect(new Set(first).size).toBe(pool);
    const next = await dailyTexts(clock, pool, 3);
    expect(next).toEqual(first.slice(0, 3));
  });
});
