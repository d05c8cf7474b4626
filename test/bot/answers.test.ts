import { describe, expect, it } from 'vitest';
import {
  parseChineseNumber,
  parseChoice,
  parseChoices,
  parseInteger,
  parseScore,
  parseTrueFalse,
} from '../../src/bot/answers.ts';

describe('parseChoice (4 options)', () => {
  const cases: [string, number | undefined][] = [
    ['1', 0],
    ['１', 0],
    ['4', 3],
    ['A', 0],
    ['a', 0],
    ['Ａ', 0],
    ['ｄ', 3],
    ['选A', 0],
    ['选1', 0],
    ['选 B', 1],
    ['A.', 0],
    ['A。', 0],
    ['B、', 1],
    ['C)', 2],
    ['(A)', 0],
    ['（B）', 1],
    ['【C】', 2],
    ['答案A', 0],
    ['答案是D', 3],
    ['答案：B', 1],
    ['我选B', 1],
    ['我选的是C', 2],
    ['选项C', 2],
    ['选择2', 1],
    ['第二个', 1],
    ['第3项', 2],
    ['三', 2],
    ['②', 1],
    ['  b  ', 1],
    ['A!', 0],
    // rejections
    ['E', undefined],
    ['5', undefined],
    ['0', undefined],
    ['五', undefined],
    ['', undefined],
    ['AB', undefined],
    ['A股今天涨了', undefined],
    ['我觉得是A吧', undefined],
    ['选A还是B', undefined],
    ['Apple', undefined],
    ['1.5', undefined],
    ['-1', undefined],
  ];
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseChoice(input, 4)).toBe(expected);
  });

  it('checks the range against the option count', () => {
    expect(parseChoice('C', 2)).toBeUndefined();
    expect(parseChoice('Z', 26)).toBe(25);
    expect(parseChoice('12', 12)).toBe(11);
    expect(parseChoice('十', 10)).toBe(9);
  });

  it('refuses an impossible option count', () => {
    expect(() => parseChoice('A', 0)).toThrow(RangeError);
    expect(() => parseChoice('A', 27)).toThrow(/1 to 26/);
    expect(() => parseChoice('A', 2.5)).toThrow(RangeError);
  });
});

describe('parseChoices (5 options)', () => {
  const cases: [string, readonly number[] | undefined][] = [
    ['1 3', [0, 2]],
    ['1,3', [0, 2]],
    ['1，3', [0, 2]],
    ['1、3', [0, 2]],
    ['１ ３', [0, 2]],
    ['AC', [0, 2]],
    ['ac', [0, 2]],
    ['A C E', [0, 2, 4]],
    ['A,C', [0, 2]],
    ['选A和C', [0, 2]],
    ['我选 2 4', [1, 3]],
    ['3 1', [0, 2]],
    ['1 1 3 3', [0, 2]],
    ['CA', [0, 2]],
    ['2', [1]],
    ['B', [1]],
    ['1;2;3', [0, 1, 2]],
    ['1/2', [0, 1]],
    ['一 三', [0, 2]],
    // rejections
    ['1 6', undefined],
    ['AF', undefined],
    ['0', undefined],
    ['13', undefined], // a digit run is one number (thirteen), out of range
    ['', undefined],
    [',', undefined],
    ['A 和 好的', undefined],
    ['我觉得A和C都行', undefined],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseChoices(input, 5)).toEqual(expected);
  });
});

describe('parseScore', () => {
  const cases: [string, number | undefined][] = [
    ['95', 95],
    ['９５', 95],
    ['95分', 95],
    ['95 分', 95],
    ['九十五', 95],
    ['九十五分', 95],
    ['一百', 100],
    ['一百分', 100],
    ['100分', 100],
    ['100', 100],
    ['零', 0],
    ['0', 0],
    ['零分', 0],
    ['十', 10],
    ['六十', 60],
    ['七十八', 78],
    ['满分', 100],
    ['打95分', 95],
    ['我给九十分', 90],
    ['评分：88', 88],
    ['95。', 95],
    ['九五', 95],
    // rejections
    ['101', undefined],
    ['一百零一', undefined],
    ['-1', undefined],
    ['负一', undefined],
    ['95.5', undefined],
    ['九十五点五', undefined],
    ['很好', undefined],
    ['', undefined],
    ['1000', undefined],
    ['95分吧', undefined],
    ['我觉得95分', undefined],
    ['A', undefined],
  ];
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseScore(input)).toBe(expected);
  });
});

describe('parseTrueFalse', () => {
  const cases: [string, boolean | undefined][] = [
    ['对', true],
    ['正确', true],
    ['是', true],
    ['是的', true],
    ['√', true],
    ['✔️', true],
    ['T', true],
    ['true', true],
    ['A', true],
    ['Ａ', true],
    ['选A', true],
    ['1', true],
    ['错', false],
    ['错误', false],
    ['不对', false],
    ['否', false],
    ['×', false],
    ['❌', false],
    ['F', false],
    ['x', false],
    ['B', false],
    ['2', false],
    ['答案B', false],
    // rejections
    ['0', undefined],
    ['C', undefined],
    ['3', undefined],
    ['对不对', undefined],
    ['我觉得是对的', undefined],
    ['', undefined],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseTrueFalse(input)).toBe(expected);
  });
});

describe('parseChineseNumber and parseInteger', () => {
  const cases: [string, number | undefined][] = [
    ['零', 0],
    ['〇', 0],
    ['一', 1],
    ['两', 2],
    ['十', 10],
    ['十五', 15],
    ['一十五', 15],
    ['二十', 20],
    ['七十八', 78],
    ['一百', 100],
    ['一百零五', 105],
    ['一百一十', 110],
    ['一百五', 150],
    ['两百', 200],
    ['一千零五十', 1050],
    ['三千', 3000],
    ['一万', 10_000],
    ['一万五', 15_000],
    ['一万零五', 10_005],
    ['十二万三千四百五十六', 123_456],
    ['三亿', 300_000_000],
    ['壹佰贰拾', 120],
    ['二〇二六', 2026],
    ['九五', 95],
    // rejections
    ['', undefined],
    ['百', undefined],
    ['二三十', undefined],
    ['十十', undefined],
    ['一万二万', undefined],
    ['95', undefined],
    ['五点五', undefined],
    ['两两', undefined],
    ['很多', undefined],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseChineseNumber(input)).toBe(expected);
  });

  it('parseInteger accepts digits of any width and Chinese numerals', () => {
    expect(parseInteger('12')).toBe(12);
    expect(parseInteger('１２')).toBe(12);
    expect(parseInteger('十二')).toBe(12);
    expect(parseInteger('-3')).toBeUndefined();
    expect(parseInteger('3.0')).toBeUndefined();
    expect(parseInteger('很多')).toBeUndefined();
  });
});
