import { describe, expect, it } from 'vitest';
import { tallyChoiceGroups, tallyChoices, tallyScoreGroups, tallyScores, round1 } from '../../../src/features/polls/tally.ts';
import { parseCloseTime } from '../../../src/features/polls/time.ts';
import { formatStamp, startOfYear } from '../../../src/bot/time.ts';
import { codeTag, newReceiptCode, normalizeReceiptCode } from '../../../src/features/polls/codes.ts';
import { extractFlags, pollArgs, rateArgs } from '../../../src/features/polls/args.ts';
import { parseAnswer, reminderTime } from '../../../src/features/polls/index.ts';

const TZ = 'Asia/Shanghai';
const input = (text: string) => ({ text, tokens: text ? text.split(' ') : [], raw: text });

describe('tallies', () => {
  it('counts choices exactly, a multi-choice ballot once per option', () => {
    const t = tallyChoices(3, [[0], [1], [0, 2], [2, 2], [0]]);
    expect(t.counts).toEqual([3, 1, 2]);
    expect(t.ballots).toBe(5);
  });

  it('rating: count, mean, median (odd and even) and the four bands', () => {
    const odd = tallyScores([95, 60, 88, 100, 59]);
    expect(odd).toMatchObject({ ballots: 5, mean: 80.4, median: 88 });
    expect(odd.bands.map((b) => [b.key, b.count])).toEqual([
      ['90-100', 2],
      ['80-89', 1],
      ['60-79', 1],
      ['0-59', 1],
    ]);
    const even = tallyScores([90, 85, 80, 70]);
    expect(even).toMatchObject({ ballots: 4, mean: 81.3, median: 82.5 });
    expect(tallyScores([])).toMatchObject({ ballots: 0, mean: null, median: null });
    expect(round1(81.25)).toBe(81.3);
  });

  it('groups of identical ballots (what the database returns) count like the ballots one by one', () => {
    expect(tallyChoiceGroups(3, [{ value: [0, 2], count: 4 }, { value: [1], count: 2 }, { value: [2, 2, 7], count: 1 }])).toEqual({ kind: 'choice', counts: [4, 2, 5], ballots: 7 });
    // 60, 90, 90, 90: the middle two are 90 and 90; the mean 82.5.
    expect(tallyScoreGroups([{ value: 90, count: 3 }, { value: 60, count: 1 }])).toMatchObject({ ballots: 4, mean: 82.5, median: 90 });
    // 70, 70, 100, 100 (even, the middle straddles two groups) and groups given out of order.
    expect(tallyScoreGroups([{ value: 100, count: 2 }, { value: 70, count: 2 }, { value: 50, count: 0 }])).toMatchObject({ ballots: 4, mean: 85, median: 85 });
    const scores = [95, 60, 88, 100, 59, 88, 88, 60];
    const grouped = [...new Set(scores)].map((value) => ({ value, count: scores.filter((x) => x === value).length }));
    expect(tallyScoreGroups(grouped)).toEqual(tallyScores(scores));
  });
});

describe('close times (org time zone Asia/Shanghai, UTC+8)', () => {
  const now = new Date('2026-11-26T08:00:00Z'); // 16:00 in Shanghai
  it('reads durations and local date-times', () => {
    expect(parseCloseTime('24h', now, TZ)).toEqual({ ok: true, at: new Date('2026-11-27T08:00:00Z') });
    expect(parseCloseTime('30分钟', now, TZ)).toEqual({ ok: true, at: new Date('2026-11-26T08:30:00Z') });
    expect(parseCloseTime('2d', now, TZ)).toEqual({ ok: true, at: new Date('2026-11-28T08:00:00Z') });
    expect(parseCloseTime('2026-12-01 20:00', now, TZ)).toEqual({ ok: true, at: new Date('2026-12-01T12:00:00Z') });
    expect(parseCloseTime('2026-12-01', now, TZ)).toEqual({ ok: true, at: new Date('2026-12-01T15:59:00Z') });
    expect(parseCloseTime('20:00', now, TZ)).toEqual({ ok: true, at: new Date('2026-11-26T12:00:00Z') });
    expect(parseCloseTime('09:00', now, TZ)).toEqual({ ok: true, at: new Date('2026-11-27T01:00:00Z') });
    expect(formatStamp(new Date('2026-12-01T12:00:00Z'), TZ)).toBe('2026-12-01 20:00');
  });
  it('refuses the past, the far future and nonsense', () => {
    expect(parseCloseTime('2026-11-26 10:00', now, TZ)).toEqual({ ok: false, problem: 'past' });
    expect(parseCloseTime('2028-01-01', now, TZ)).toEqual({ ok: false, problem: 'tooFar' });
    expect(parseCloseTime('2026-02-30 10:00', now, TZ)).toEqual({ ok: false, problem: 'format' });
    expect(parseCloseTime('明天', now, TZ)).toEqual({ ok: false, problem: 'format' });
    expect(parseCloseTime('0m', now, TZ)).toEqual({ ok: false, problem: 'past' });
  });
  it('the year starts at local midnight of 1 January', () => {
    expect(startOfYear(2026, TZ)).toEqual(new Date('2025-12-31T16:00:00Z'));
  });
  it('reminds two hours before close, or halfway for a short poll, not at all under 20 minutes', () => {
    expect(reminderTime(now, new Date('2026-11-27T08:00:00Z'))).toEqual(new Date('2026-11-27T06:00:00Z'));
    expect(reminderTime(now, new Date('2026-11-26T09:00:00Z'))).toEqual(new Date('2026-11-26T08:30:00Z'));
    expect(reminderTime(now, new Date('2026-11-26T08:10:00Z'))).toBeNull();
  });
});

describe('receipt codes', () => {
  it('are 8 characters of an unambiguous alphabet with a digit, read back in any case and without the hyphen', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const c = newReceiptCode();
      expect(c).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
      expect(c).toMatch(/\d/);
      expect(normalizeReceiptCode(c.toLowerCase().replace('-', ''))).toBe(c);
      seen.add(c);
    }
    expect(seen.size).toBe(500);
    expect(normalizeReceiptCode('ABCDEFGH')).toBeUndefined(); // no digit: a letter answer, not a code
    expect(normalizeReceiptCode('K7QX-M3P0')).toBeUndefined(); // 0 is not in the alphabet
    expect(normalizeReceiptCode('95')).toBeUndefined();
  });
  it('tags depend on the poll salt and the code only', () => {
    expect(codeTag('s1', 'K7QX-M3PD')).toBe(codeTag('s1', 'K7QX-M3PD'));
    expect(codeTag('s1', 'K7QX-M3PD')).not.toBe(codeTag('s2', 'K7QX-M3PD'));
    expect(codeTag('s1', 'K7QX-M3PD')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('command arguments', () => {
  it('/poll: question, options and flags anywhere, ASCII or Chinese, -- or ——', () => {
    const r = pollArgs.parse(input('村道修缮选哪条 | 东线 | 西线 | 都不修 --anon ——多选 --close 2026-12-01 20:00 --hide'));
    expect(r).toEqual({
      question: '村道修缮选哪条',
      options: ['东线', '西线', '都不修'],
      flags: { anon: true, multi: true, hide: true, close: '2026-12-01 20:00' },
    });
    expect(pollArgs.parse(input('去哪 | 甲 | 乙 --群众 --close=24h')).flags).toEqual({ anon: false, multi: false, hide: false, close: '24h', audience: 'masses' });
    expect(pollArgs.safeParse(input('只有问题')).success).toBe(false);
    expect(pollArgs.safeParse(input('问题 | 甲 | 乙 --bogus')).success).toBe(false);
    expect(pollArgs.safeParse(input('问题 | 甲 | 乙 --close')).success).toBe(false);
    expect(pollArgs.safeParse(input("'; DROP TABLE Poll; -- | 甲 | 乙")).success).toBe(true);
    // As typed: Chinese punctuation stays; full-width flags and pipes work.
    expect(pollArgs.parse(input('村道修缮，先修哪条？｜东线（长）｜西线 －－ａｎｏｎ'))).toEqual({
      question: '村道修缮，先修哪条？',
      options: ['东线（长）', '西线'],
      flags: { anon: true, multi: false, hide: false },
    });
  });
  it('/rate: subject and flags; --multi is refused', () => {
    expect(rateArgs.parse(input('村党支部书记张三 --anon --min 8 --close 24h'))).toEqual({
      subject: '村党支部书记张三',
      flags: { anon: true, multi: false, hide: false, min: 8, close: '24h' },
    });
    expect(rateArgs.safeParse(input('张三 --multi')).success).toBe(false);
    expect(rateArgs.safeParse(input('--anon')).success).toBe(false);
    expect(rateArgs.safeParse(input('张三 --min x')).success).toBe(false);
  });
  it('extractFlags leaves a plain question alone', () => {
    expect(extractFlags(['a', '-', 'b'])).toEqual({ flags: { anon: false, multi: false, hide: false }, rest: ['a', '-', 'b'] });
  });
});

describe('answers', () => {
  const single = { kind: 'choice' as const, multiple: false, options: ['同意', '反对', '弃权'] };
  const multi = { ...single, multiple: true };
  const rating = { kind: 'rating' as const, multiple: false, options: [] };
  it('reads the forgiving forms of the spec', () => {
    expect(parseAnswer(single, '1')).toEqual({ choices: [0], score: null });
    expect(parseAnswer(single, 'Ａ')).toEqual({ choices: [0], score: null });
    expect(parseAnswer(single, '选B')).toEqual({ choices: [1], score: null });
    expect(parseAnswer(single, '4')).toBeUndefined();
    expect(parseAnswer(single, '1 3')).toBeUndefined();
    expect(parseAnswer(multi, '1 3')).toEqual({ choices: [0, 2], score: null });
    expect(parseAnswer(multi, 'AC')).toEqual({ choices: [0, 2], score: null });
    expect(parseAnswer(rating, '95')).toEqual({ choices: [], score: 95 });
    expect(parseAnswer(rating, '95分')).toEqual({ choices: [], score: 95 });
    expect(parseAnswer(rating, '九十五')).toEqual({ choices: [], score: 95 });
    expect(parseAnswer(rating, '101')).toBeUndefined();
    expect(parseAnswer(rating, '我觉得95分太高')).toBeUndefined();
  });
});
