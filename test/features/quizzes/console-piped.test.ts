// The quiz commands through `npm start`'s program with piped input, as a user would type them at
// the console: one-person quizzes in the private chat (each closes at the answer, so no waiting),
// the 错题本, /whoami, the daily question opt-in, the bank list and an import from the imports
// folder. The questions a quiz picks are fixed by its id, so the test knows the right letters.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBanks } from '../../../src/features/quizzes/banks/load.ts';
import { optionOrderFor, pickQuestions } from '../../../src/features/quizzes/rules/questions.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = pathToFileURL(createRequire(path.join(root, 'package.json')).resolve('tsx')).href;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-quiz-console-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const constitution = loadBanks(path.join(root, 'prompts', 'quizzes')).find((b) => b.id === 'constitution')!;

/** The right and a wrong letter of the one question of quiz #id drawn from the 党章 bank. */
function letters(id: number): { right: string; wrong: string; text: string } {
  const [pick] = pickQuestions(constitution.questions, 1, id);
  const q = constitution.questions.find((x) => x.key === pick!.questionKey)!;
  const order = optionOrderFor(q, `quiz:${id}:0`);
  const right = q.type === 'truefalse' ? q.answer : order.indexOf(q.answer);
  return { right: String.fromCharCode(65 + right), wrong: String.fromCharCode(65 + (right === 0 ? 1 : 0)), text: q.text };
}

describe('quizzes at the console, piped', () => {
  it('plays one-person quizzes, keeps the 错题本, imports a bank from the imports folder, exits 0', { timeout: 90_000 }, () => {
    fs.mkdirSync(path.join(dir, 'data', 'imports'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'imports', '题库.csv'), '题目,选项,答案,解析,出处\n村党组织书记是村级组织的领导者吗？,,对,是。,示例出处\n空选项题,甲||丙,A,解析,出处\n');
    const q1 = letters(1);
    const q2 = letters(2);
    const script = [':dm', '/quiz 党章 1', q1.right, '/quiz 党章 1', q2.wrong, '/mistakes', '/whoami', '/quiz daily on', '/quiz banks', '/quiz import 测试题库 题库.csv', '/quiz 测试题库', '对'];
    const r = spawnSync(process.execPath, ['--import', tsx, path.join(root, 'src/main.ts')], {
      cwd: dir,
      env: { PATH: process.env.PATH, DATABASE_URL: `file:${path.join(dir, 'bot.db')}`, BOT_DATA_DIR: path.join(dir, 'data') },
      input: `${script.join('\n')}\n`,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toContain(`管理员@私聊> /quiz 党章 1\n先锋: 答题 #1 开始：党章，共1题，每题30秒。答对得分，越快分越高。\n先锋: 答题 #1 第1/1题（30秒）\n    ${q1.text}\n`);
    expect(out).toContain(`管理员@私聊> ${q1.right}\n先锋: 答题 #1 第1/1题结束。\n`);
    expect(out).toContain('    1人作答，1人答对：管理员\n先锋: 答题 #1 结束，排名：\n    1. 管理员 答对1/1题 10分\n');
    expect(out).toContain('    1人作答，没有人答对。\n先锋: 答题 #2 结束，排名：\n    1. 管理员 答对0/1题 0分\n');
    expect(out).toContain('管理员@私聊> /mistakes\n先锋: 错题本里有1道题，今天没有要复习的。下次复习：');
    expect(out).toContain('    学习积分：累计10分，今天10/100分\n    连续学习：1天；错题本：1道\n');
    expect(out).toContain('管理员@私聊> /quiz daily on\n先锋: 已开启每日一题，每天08:00私信发给你。\n');
    expect(out).toContain(`    党章：${constitution.questions.length}题（也可以叫：党章知识、中国共产党章程、constitution）\n`);
    expect(out).toContain('先锋: 题库“测试题库”导入完成：接受1行，拒绝1行。\n    第3行：第2个选项是空的\n    发送“/quiz 测试题库”开始答题。\n');
    expect(out).toContain('管理员@私聊> 对\n先锋: 答题 #3 第1/1题结束。\n    正确答案：A. 正确\n    解析：是。\n    出处：示例出处\n');
    expect(out).toContain('先锋: 答题 #3 结束，排名：\n    1. 管理员 答对1/1题 10分\n');
  });
});
