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

describe('--holiday on the notice jobs', () => {
  it('skips a statutory holiday under skip, keeps a 调休 working Sunday, each notice once', async () => {
    const { startMeetingBot } = await import('./support.ts');
    const b = await startMeetingBot('2026-09-15T00:00:00Z');
    try {
      await b.say('管理员', '/bindchat 东北流村党支部');
      await b.ask('管理员', '/meeting 国庆党日 | 0 9 1 10 * | 广场 | 0 --kind 主题党日 --holiday skip');
      await b.ask('管理员', '/meeting 调休党日 | 0 9 20 9 * | 广场 | 0 --kind 主题党日 --holiday skip');
      await b.ask('管理员', '/meeting 照开党日 | 0 10 1 10 * | 广场 | 0 --kind 主题党日 --holiday keep');
      const { seen } = await b.tick('2026-10-02T00:00:00Z');
      const notices = seen.map((s) => s.text.split('\n')[0]);
      expect(notices).toEqual(['【会议通知】#2 调休党日', '【会议通知】#3 照开党日']);
      // A second pass over the same instants posts nothing again.
      expect((await b.tick('2026-10-02T00:00:00Z')).seen).toEqual([]);
    } finally {
      await b.stop();
    }
  });
});
