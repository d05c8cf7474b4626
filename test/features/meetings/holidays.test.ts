import { describe, expect, it } from 'vitest';
import { dayKind, nextWorkday, yearKnown } from '../../../src/features/meetings/holidays.ts';

describe('statutory holidays (chinese-days)', () => {
  it('knows 2026: Spring Festival and National Day are holidays, 调休 Saturdays are working days', () => {
    expect(dayKind('2026-02-17')).toBe('holiday'); // 春节
    expect(dayKind('2026-10-01')).toBe('holiday'); // 国庆
    expect(dayKind('2026-02-14')).toBe('workday'); // 调休 Saturday
    expect(dayKind('2026-09-20')).toBe('workday'); // 调休 Sunday before 国庆
    expect(dayKind('2026-03-07')).toBe('weekend');
    expect(dayKind('2026-03-09')).toBe('workday');
    expect(nextWorkday('2026-10-01')).toBe('2026-10-08');
    expect(nextWorkday('2026-02-16')).toBe('2026-02-24');
  });

  it('reports 2027 as unknown instead of guessing (the package release after the State Council notice brings it)', () => {
    expect(yearKnown(2026)).toBe(true);
    expect(yearKnown(2027)).toBe(false);
    expect(dayKind('2027-10-01')).toBe('unknown');
    expect(dayKind('2027-02-06')).toBe('unknown');
  });
});
