import { describe, expect, it } from 'vitest';
import { cellStatus, MAX_SECTION, parsePeriod, periodBounds, readSections } from '../../../src/features/records/rules.ts';
import type { MinutesRecord } from '../../../src/features/records/store.ts';

describe('records rules', () => {
  it('reads the labelled sections of minutes, keeping line breaks', () => {
    expect(readSections('议题：学习党章\n第二项 决议：通过 主持人：@张三')).toEqual({ topics: '学习党章\n第二项', decisions: '通过', host: '张三', recorder: null });
    expect(readSections('')).toBeNull();
    expect(readSections('随便写写')).toBe('bad');
    expect(readSections('议题：学习')).toBe('bad');
    expect(readSections(`议题：${'长'.repeat(MAX_SECTION + 1)} 决议：通过`)).toBe('bad');
  });

  it('reads the period of a note', () => {
    expect(parsePeriod('2026-02', 2026)).toEqual({ year: 2026, month: 2, months: 1 });
    expect(parsePeriod('3月', 2026)).toEqual({ year: 2026, month: 3, months: 1 });
    expect(parsePeriod('第二季度', 2026)).toEqual({ year: 2026, month: 4, months: 3 });
    expect(parsePeriod('2025Q4', 2026)).toEqual({ year: 2025, month: 10, months: 3 });
    expect(parsePeriod('全年', 2026)).toEqual({ year: 2026, month: 1, months: 12 });
    expect(parsePeriod('13月', 2026)).toBeNull();
    expect(parsePeriod('3', 2026)).toBeNull();
  });

  it('bounds a period in the org time zone', () => {
    expect(periodBounds(2026, 'quarterly', 4, 'Asia/Shanghai')).toEqual([new Date('2026-09-30T16:00:00Z'), new Date('2026-12-31T16:00:00Z')]);
    expect(periodBounds(2026, 'monthly', 2, 'Asia/Shanghai')).toEqual([new Date('2026-01-31T16:00:00Z'), new Date('2026-02-28T16:00:00Z')]);
  });

  it('says what a period shows', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const past = new Date('2026-05-01T00:00:00Z');
    const later = new Date('2026-07-01T00:00:00Z');
    const minutes = [{} as MinutesRecord];
    expect(cellStatus([past], new Set(), minutes, true, now)).toBe('held');
    expect(cellStatus([past], new Set(), [], true, now)).toBe('noMinutes');
    expect(cellStatus([past], new Set([past.getTime()]), [], true, now)).toBe('excused');
    expect(cellStatus([past], new Set([past.getTime()]), [], false, now)).toBe('pending');
    expect(cellStatus([later], new Set(), [], true, now)).toBe('missing');
    expect(cellStatus([], new Set(), [], false, now)).toBe('pending');
  });
});
