// The bank check (`npm run banks:check`): the shipped banks pass it, and a bank that breaks any
// rule fails it with a line naming the bank and the question.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBanks } from '../../../src/features/quizzes/banks/load.ts';
import { parseBanks } from '../../../src/features/quizzes/banks/parse.ts';
import { BankError } from '../../../src/features/quizzes/banks/problems.ts';
import { checkBanks, formatReport, normaliseText } from '../../../src/features/quizzes/bank-check.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SOURCE = '第七条 预备党员的预备期为一年。党组织对预备党员应当认真教育和考察。\n第五条 要有两名正式党员作介绍人。';
const read = (doc: string) => (doc === 'demo-src' ? SOURCE : undefined);

/** A bank passing every rule: two true/false (one 正确) and one single choice, all quoted. */
const GOOD = `id: demo
name: 演示
document: demo-src
topics: [党员]
reviewed: 2026-12-02
questions:
  - id: demo-001
    type: truefalse
    question: 预备党员的预备期为一年。
    answer: true
    explanation: 预备期一年。
    source: 《章程》第七条
    quote: 预备党员的预备期为一年
    topic: 党员
  - id: demo-002
    type: truefalse
    question: 预备党员不需要考察。
    answer: false
    explanation: 党组织要认真教育和考察。
    source: 《章程》第七条
    quote: "党组织对预备党员应当认真教育和考察"
    topic: 党员
  - id: demo-003
    type: single
    question: 入党要有几名正式党员作介绍人？
    options: [一名, 两名, 三名]
    answer: B
    keepOrder: true
    explanation: 两名。
    source: 《章程》第五条
    quote: [{ document: demo-src, text: "要有两名正式党员作介绍人" }]
    topic: 党员
`;

function check(text: string): readonly string[] {
  return checkBanks(parseBanks([{ file: 'demo.yaml', text }]), read).problems;
}

describe('bank check', () => {
  it('passes the shipped banks with no problem and counts them per bank and topic', () => {
    const banks = loadBanks(path.join(ROOT, 'prompts', 'quizzes'));
    const report = checkBanks(banks, (doc) => {
      const file = path.join(ROOT, 'docs', 'sources', `${doc}.md`);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    });
    expect(report.problems).toEqual([]);
    expect(report.total).toBe(banks.reduce((n, b) => n + b.questions.length, 0));
    for (const b of report.banks) expect(Object.values(b.topics).reduce((n, c) => n + c, 0)).toBe(b.count);
    expect(formatReport(report)[0]).toBe(`${report.total} questions in ${banks.length} banks`);
  });

  it('passes a good bank; keepOrder and the quote list are read', () => {
    expect(check(GOOD)).toEqual([]);
    const [bank] = parseBanks([{ file: 'demo.yaml', text: GOOD }]);
    expect(bank!.questions[2]!.keepOrder).toBe(true);
    expect(bank!.questions[0]!.quotes).toEqual([{ document: 'demo-src', text: '预备党员的预备期为一年' }]);
    expect(bank!.topics).toEqual(['党员']);
    expect(bank!.reviewed).toBe('2026-12-02');
  });

  it('finds quotes whatever the spacing, width and punctuation', () => {
    expect(normaliseText('预备党员的预备期，为一年。')).toBe(normaliseText('预备党员的预备期 为一年.'));
    expect(check(GOOD.replace('quote: 预备党员的预备期为一年', 'quote: "预备党员的预备期，为 一年"'))).toEqual([]);
  });

  it('fails a quote not in its source, a missing or empty quote, and an unknown document', () => {
    expect(check(GOOD.replace('quote: 预备党员的预备期为一年', 'quote: 预备党员的预备期为两年'))).toEqual([
      'demo: demo-001: quote not found in docs/sources/demo-src.md: "预备党员的预备期为两年…"',
    ]);
    expect(check(GOOD.replace('    quote: 预备党员的预备期为一年\n', ''))).toEqual(['demo: demo-001: no quote of its source']);
    expect(check(GOOD.replace('quote: 预备党员的预备期为一年', 'quote: "。，"'))).toEqual(['demo: demo-001: empty quote']);
    expect(check(GOOD.replace('document: demo-src, text', 'document: nowhere, text'))).toEqual(['demo: demo-003: docs/sources/nowhere.md not found']);
    expect(check(GOOD.replace('document: demo-src\n', ''))).toEqual([
      'demo: demo-001: quote names no document (set document: on the bank or the question)',
      'demo: demo-002: quote names no document (set document: on the bank or the question)',
    ]);
  });

  it('fails a true/false balance outside 40-60% 正确', () => {
    expect(check(GOOD.replace('    answer: false\n', '    answer: true\n'))).toEqual(['demo: 2 of 2 true/false questions are 正确 (100%; must be 40-60%)']);
  });

  it('fails the same question twice (normalised text), across banks too', () => {
    const other = GOOD.replace('id: demo\nname: 演示', 'id: other\nname: 其他').replaceAll('demo-00', 'other-00').replace('预备党员不需要考察。', '预备党员， 不需要考察');
    const problems = checkBanks(parseBanks([{ file: 'demo.yaml', text: GOOD }, { file: 'other.yaml', text: other }]), read).problems;
    expect(problems).toEqual([
      'other: other-001: same question as demo-001',
      'other: other-002: same question as demo-002',
      'other: other-003: same question as demo-003',
    ]);
  });

  it('fails a bank without topics or reviewed day, and a question without a topic', () => {
    expect(check(GOOD.replace('reviewed: 2026-12-02\n', ''))).toEqual(['demo: no reviewed day']);
    expect(check(GOOD.replace('    topic: 党员\n', ''))).toEqual(['demo: demo-001: no topic']);
  });

  it('is refused by the loader: unknown fields on bank or question, a topic not of the bank, a bad day, an answer out of range, a duplicate id', () => {
    const refused = (text: string) => {
      try {
        parseBanks([{ file: 'demo.yaml', text }]);
      } catch (err) {
        expect(err).toBeInstanceOf(BankError);
        return (err as Error).message;
      }
      throw new Error('expected a BankError');
    };
    expect(refused(GOOD.replace('reviewed: 2026-12-02', 'reviewed: 2026-12-02\ncolour: red'))).toMatch(/unrecognized key|unknown field|colour/i);
    expect(refused(GOOD.replace('    topic: 党员\n  - id: demo-002', '    topic: 党员\n    colour: red\n  - id: demo-002'))).toMatch(/question demo-001 .*unknown field colour/);
    expect(refused(GOOD.replace('    topic: 党员\n  - id: demo-002', '    topic: 党史\n  - id: demo-002'))).toMatch(/question demo-001 .*topic: 党史 is not one of the bank's topics/);
    expect(refused(GOOD.replace('reviewed: 2026-12-02', 'reviewed: 2026-13-40'))).toMatch(/reviewed: must be a day YYYY-MM-DD/);
    expect(refused(GOOD.replace('answer: B', 'answer: D'))).toMatch(/question demo-003 .*answer: D is out of range/);
    expect(refused(GOOD.replace('id: demo-002', 'id: demo-001'))).toMatch(/question demo-001 .*duplicate question id/);
  });
});
