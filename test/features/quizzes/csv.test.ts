import { describe, expect, it } from 'vitest';
import { CsvFormatError, MAX_IMPORT_ROWS, parseQuizCsv } from '../../../src/features/quizzes/csv.ts';

/** The refused rows as `line: reason keys`, for compact assertions. */
function refusals(text: string): string[] {
  return parseQuizCsv(text).refused.map((r) => `${r.line}: ${r.reasons.map((x) => `${x.key}${Object.keys(x.vars).length ? JSON.stringify(x.vars) : ''}`).join(', ')}`);
}

describe('CSV bank import', () => {
  it('accepts single-choice and true/false rows, skips a header, keeps full-width punctuation and quoted commas', () => {
    const text = [
      '题目,选项,答案,解析,出处',
      '"党章规定，党员必须履行的义务有几项？",六项|七项|八项|九项,C,党员必须履行八项义务。,《中国共产党章程》第一章第三条',
      '党员有权在党的会议上参加关于党的政策问题的讨论。,,对,这是党员的权利。,《中国共产党章程》第一章第四条',
      '"选项里有逗号, 也可以",甲，乙|丙,2,"解析, 带逗号",出处',
    ].join('\n');
    const r = parseQuizCsv(text);
    expect(r.refused).toEqual([]);
    expect(r.accepted).toEqual([
      { row: 2, type: 'single', question: '党章规定，党员必须履行的义务有几项？', options: ['六项', '七项', '八项', '九项'], answer: 2, explanation: '党员必须履行八项义务。', source: '《中国共产党章程》第一章第三条' },
      { row: 3, type: 'truefalse', question: '党员有权在党的会议上参加关于党的政策问题的讨论。', options: [], answer: 0, explanation: '这是党员的权利。', source: '《中国共产党章程》第一章第四条' },
      { row: 4, type: 'single', question: '选项里有逗号, 也可以', options: ['甲，乙', '丙'], answer: 1, explanation: '解析, 带逗号', source: '出处' },
    ]);
  });

  it('refuses each bad row with its line and every reason', () => {
    const text = [
      '好题,甲|乙,A,解析,出处', // 1 ok
      '少一列,甲|乙,A,解析', // 2 columns
      ',甲|乙,A,解析,出处', // 3 empty question
      '选项太少,甲,A,解析,出处', // 4 option count
      '空选项,甲||丙,A,解析,出处', // 5 empty option
      '重复选项,甲|乙|甲,A,解析,出处', // 6 repeat
      '答案超范围,甲|乙|丙,E,解析,出处', // 7 range
      '答案不是字母,甲|乙,甲,解析,出处', // 8 letter
      '判断题答案不对,,也许,解析,出处', // 9 true/false
      '缺解析和出处,甲|乙,B,,', // 10 explanation + source
      '好题,丙|丁,B,解析,出处', // 11 duplicate of line 1
      `${'长'.repeat(251)},甲|乙,A,解析,出处`, // 12 too long
      '',
      '"跨行的',
      '题目",甲|乙,Z,解析,出处', // 14-15: starts on line 14
    ].join('\n');
    expect(parseQuizCsv(text).accepted.map((a) => a.row)).toEqual([1]);
    expect(refusals(text)).toEqual([
      '2: columns{"count":4}',
      '3: questionEmpty',
      '4: optionCount{"count":1,"min":2,"max":6}',
      '5: optionEmpty{"n":2}',
      '6: optionRepeat{"n":3,"first":1}',
      '7: answerRange{"answer":"E","count":3}',
      '8: answerLetter{"answer":"甲"}',
      '9: answerTrueFalse{"answer":"也许"}',
      '10: explanationEmpty, sourceEmpty',
      '11: duplicate{"line":1}',
      '12: questionLong{"max":250}',
      '14: answerRange{"answer":"Z","count":2}',
    ]);
  });

  it('reads tab-separated text pasted from a spreadsheet', () => {
    const r = parseQuizCsv('题目\t选项\t答案\t解析\t出处\n问题一\tA项|B项\tb\t解析\t出处');
    expect(r.accepted).toEqual([{ row: 2, type: 'single', question: '问题一', options: ['A项', 'B项'], answer: 1, explanation: '解析', source: '出处' }]);
  });

  it('refuses the whole text when it cannot be read, has no rows, or is too big', () => {
    const error = (text: string) => {
      try {
        parseQuizCsv(text);
      } catch (err) {
        expect(err).toBeInstanceOf(CsvFormatError);
        return { key: (err as CsvFormatError).key, vars: (err as CsvFormatError).vars };
      }
      throw new Error('expected CsvFormatError');
    };
    expect(error('好题,甲|乙,A,解析,出处\n"没闭合,甲|乙,A,解析,出处')).toEqual({ key: 'unreadable', vars: { line: 2 } });
    expect(error('题目,选项,答案,解析,出处\n\n')).toEqual({ key: 'noRows', vars: {} });
    expect(error(Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `题${i},甲|乙,A,解析,出处`).join('\n'))).toEqual({ key: 'tooMany', vars: { count: 501, max: 500 } });
    expect(error('x'.repeat(200_001))).toEqual({ key: 'tooBig', vars: { max: '200 kB' } });
  });

  it('treats SQL-looking and emoji text as ordinary text', () => {
    const r = parseQuizCsv(`"'; DROP TABLE QuizBank; --",🙂|😀,A,解析,出处`);
    expect(r.accepted[0]).toMatchObject({ question: "'; DROP TABLE QuizBank; --", options: ['🙂', '😀'], answer: 0 });
  });
});
