import { describe, expect, it } from 'vitest';
import { pickTables, readReportRequest, reportPeriod } from '../../../src/features/report/rules.ts';

describe('report rules', () => {
  it('reads an id, a year and the other words', () => {
    expect(readReportRequest([])).toEqual({ id: undefined, year: undefined, words: [] });
    expect(readReportRequest(['#12'])).toEqual({ id: 12, year: undefined, words: [] });
    expect(readReportRequest(['承诺', '东村', '2025年'])).toEqual({ id: undefined, year: 2025, words: ['承诺', '东村'] });
    expect(readReportRequest(['2024年度', '7'])).toEqual({ id: 7, year: 2024, words: [] });
    // A number after a word is a word (a unit named 三组 1 stays whole); after the year, a second one is the id.
    expect(readReportRequest(['东村', '3'])).toEqual({ id: undefined, year: undefined, words: ['东村', '3'] });
    expect(readReportRequest(['2025', '2026'])).toEqual({ id: 2026, year: 2025, words: [] });
  });

  it('refuses a year out of range, id 0 and overlong words', () => {
    expect(readReportRequest(['1999'])).toBeNull();
    expect(readReportRequest(['2101'])).toBeNull();
    expect(readReportRequest(['#0'])).toBeNull();
    expect(readReportRequest(['村'.repeat(61)])).toBeNull();
    expect(readReportRequest(['村'.repeat(60)])).not.toBeNull();
  });

  it('covers the year up to now, or the whole of a past year', () => {
    const now = new Date('2026-05-01T00:00:00Z');
    expect(reportPeriod(2026, now, 'Asia/Shanghai')).toEqual({ from: new Date('2025-12-31T16:00:00Z'), to: now });
    expect(reportPeriod(2025, now, 'Asia/Shanghai')).toEqual({ from: new Date('2024-12-31T16:00:00Z'), to: new Date('2025-12-31T16:00:00Z') });
  });

  it('picks tables by key or alias, any case, or all without a word', () => {
    const tables = [
      { title: 'a', table: { key: 'pledges', aliases: ['承诺', 'Pledge'], fileName: 'a', rows: [] } },
      { title: 'b', table: { key: 'polls', aliases: ['投票'], fileName: 'b', rows: [] } },
    ];
    expect(pickTables(tables, 'PLEDGE').map((t) => t.title)).toEqual(['a']);
    expect(pickTables(tables, '投票').map((t) => t.title)).toEqual(['b']);
    expect(pickTables(tables, 'Polls').map((t) => t.title)).toEqual(['b']);
    expect(pickTables(tables, '会议')).toEqual([]);
    expect(pickTables(tables, undefined)).toHaveLength(2);
  });
});
