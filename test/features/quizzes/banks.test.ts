import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBanks } from '../../../src/features/quizzes/banks/load.ts';
import { parseBanks } from '../../../src/features/quizzes/banks/parse.ts';
import { BankError } from '../../../src/features/quizzes/banks/problems.ts';
const PROJECT_ROOT = path.resolve(import.meta.dirname, '../../..');

const GOOD = `id: demo
name: 演示
aliases: [示例]
questions:
  - id: demo-001
    type: single
    question: 申请入党的人，要有几名正式党员作介绍人？
    options: [一名, 两名, 三名]
    answer: B
    explanation: 要有两名正式党员作介绍人。
    source: 《中国共产党章程》第一章第五条
  - id: demo-002
    type: truefalse
    question: 预备党员的预备期为一年。
    answer: true
    explanation: 预备期为一年。
    source: 《中国共产党章程》第一章第七条
`;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Writes files into a fresh temp folder and returns the BankError message of loading it. */
function loadError(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'banks-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  try {
    loadBanks(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(BankError);
    return (err as Error).message.replaceAll(dir + path.sep, '');
  }
  throw new Error('expected a BankError');
}

describe('question banks', () => {
  it('loads the shipped banks: every question names its document and article and carries a quote and a topic', () => {
    const banks = loadBanks(path.join(PROJECT_ROOT, 'prompts', 'quizzes'));
    expect(banks.map((b) => b.id).sort()).toEqual(['branch-work', 'constitution', 'discipline', 'integrity', 'local-practice', 'member-education', 'party-dues', 'party-life', 'recruitment']);
    const questions = banks.flatMap((b) => b.questions);
    expect(questions.length).toBeGreaterThanOrEqual(400);
    for (const q of questions.filter((x) => x.bankId !== 'local-practice')) expect(q.source).toMatch(/^《.+》（.+）(第.+条|总纲|题注|导语|（.+）)/);
    for (const q of questions) {
      expect(q.quotes?.length, q.key).toBeGreaterThan(0);
      expect(q.topic, q.key).toBeDefined();
    }
    expect(new Set(questions.map((q) => q.key)).size).toBe(questions.length);
    expect(banks.find((b) => b.id === 'local-practice')!.local).toBe(true);
  });

  it('normalises a good bank: letter answers to indexes, true/false to 0/1', () => {
    const [bank] = parseBanks([{ file: 'demo.yaml', text: GOOD }]);
    expect(bank!.name).toBe('演示');
    expect(bank!.aliases).toEqual(['示例']);
    expect(bank!.questions.map((q) => [q.key, q.type, q.answer, q.options.length])).toEqual([
      ['demo-001', 'single', 1, 3],
      ['demo-002', 'truefalse', 0, 0],
    ]);
  });

  it('names file, question and line for an answer out of range, an empty option and a missing source', () => {
    const bad = GOOD.replace('answer: B', 'answer: E').replace('[一名, 两名, 三名]', '[一名, "", 三名]').replace('    source: 《中国共产党章程》第一章第七条\n', '');
    expect(loadError({ 'demo.yaml': bad })).toBe(
      [
        '3 problems in the question banks:',
        'demo.yaml: question demo-001 (line 8): options.1: is empty',
        'demo.yaml: question demo-001 (line 9): answer: E is out of range (3 options, A-C)',
        'demo.yaml: question demo-002 (line 12): source: is missing',
      ].join('\n'),
    );
  });

  it('reports an answer out of range alone when the rest is fine', () => {
    expect(loadError({ 'demo.yaml': GOOD.replace('answer: B', 'answer: D') })).toBe(
      'demo.yaml: question demo-001 (line 9): answer: D is out of range (3 options, A-C)',
    );
  });

  it('finds duplicate question ids within a file and across files, and a bank name used twice', () => {
    const dupInFile = GOOD.replace('id: demo-002', 'id: demo-001');
    const other = GOOD.replace('id: demo\n', 'id: other\n').replace('name: 演示', 'name: 其他').replace('id: demo-002', 'id: other-002');
    expect(loadError({ 'a.yaml': dupInFile, 'b.yaml': other })).toBe(
      [
        '3 problems in the question banks:',
        'a.yaml: question demo-001 (line 12): duplicate question id (first in a.yaml)',
        'b.yaml: bank name or alias "示例" is already used by a.yaml',
        'b.yaml: question demo-001 (line 5): duplicate question id (first in a.yaml)',
      ].join('\n'),
    );
  });

  it('refuses repeated options, bad types, bad true/false answers, unknown fields and YAML syntax errors', () => {
    const text = `id: x
name: 坏题库
questions:
  - id: x-1
    type: single
    question: 哪个？
    options: [甲, 乙, 甲]
    answer: A
    explanation: 解析
    source: 出处
  - id: x-2
    type: multiple
    question: 多选？
  - id: x-3
    type: truefalse
    question: 对吗？
    answer: 对
    explanation: 解析
    source: 出处
    hint: 多余
`;
    const lines = loadError({ 'x.yaml': text, 'y.yaml': 'id: y\nname: [unclosed\n' }).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '5 problems in the question banks:',
      'x.yaml: question x-1 (line 7): options: option 3 repeats option 1 ("甲")',
      'x.yaml: question x-2 (line 12): type: must be single or truefalse',
      'x.yaml: question x-3 (line 14): unknown field hint',
      'x.yaml: question x-3 (line 17): answer: must be true or false',
    ]);
    expect(lines[5]).toMatch(/^y\.yaml \(line \d\): YAML syntax error: /);
    expect(lines).toHaveLength(6);
  });

  it('refuses an empty folder and a bank without questions', () => {
    expect(loadError({ 'readme.txt': 'not a bank' })).toMatch(/^\/.*banks-\w+: no question bank files \(\*\.yaml\)$/);
    expect(loadError({ 'e.yaml': 'id: e\nname: 空\nquestions: []\n' })).toBe('e.yaml (line 3): questions: is empty');
  });
});
