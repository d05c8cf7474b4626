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

/** The first two lines of a notice: its head and its time. */
const head = (s: { text: string }) => s.text.split('\n').slice(0, 2).join(' ');

describe('--holiday move', () => {
  it('moves a Spring Festival occurrence to the next working day and keeps a 调休 Saturday, each notice exactly once', async () => {
    const { startMeetingBot } = await import('./support.ts');
    const b = await startMeetingBot('2026-02-10T00:00:00Z');
    try {
      await b.say('管理员', '/bindchat 东北流村党支部');
      await b.ask('管理员', '/meeting 春节党日 | 0 9 17 2 * | 广场 | 60 --kind 主题党日 --holiday move');
      await b.ask('管理员', '/meeting 调休党日 | 0 9 14 2 * | 广场 | 0 --holiday move');
      const meetings = (await b.ask('管理员', '/meetings')).join('\n');
      expect(meetings).toContain('#1 春节党日：下次 2月24日 周二 09:00'); // shown at its moved time
      // 2026-02-14 is a 调休 working Saturday: held as scheduled. 2-17 (春节) moves to Tuesday 2-24.
      const spring = await b.tick('2026-02-25T00:00:00Z');
      expect(spring.seen.map(head)).toEqual([
        expect.stringMatching(/^【会议通知】#2 调休党日 .*2月14日/),
        expect.stringMatching(/^【会前提醒】#1 春节党日 .*2月24日/),
        expect.stringMatching(/^【会议通知】#1 春节党日 .*2月24日/),
      ]);
      // The occurrence ledger and the one-off tasks fire each once: a second pass posts nothing.
      expect((await b.tick('2026-02-25T00:00:00Z')).seen).toEqual([]);
      const moved = await b.database.db.scheduledTask.findMany({ where: { kind: 'meetings.moved' }, orderBy: { dueAt: 'asc' } });
      expect(moved.map((t) => [t.dueAt.toISOString(), t.status])).toEqual([
        ['2026-02-24T00:00:00.000Z', 'done'],
        ['2026-02-24T01:00:00.000Z', 'done'],
      ]);
    } finally {
      await b.stop();
    }
  });

  it('moves 国庆 (主题党日 moves by default) and keeps a meeting under keep', async () => {
    const { startMeetingBot } = await import('./support.ts');
    const b = await startMeetingBot('2026-09-28T00:00:00Z');
    try {
      await b.say('管理员', '/bindchat 东北流村党支部');
      await b.ask('管理员', '/meeting 国庆党日 | 0 9 1 10 * | 广场 | 0 --kind 主题党日');
      await b.ask('管理员', '/meeting 国庆照开 | 0 10 1 10 * | 广场 | 0 --kind 主题党日 --holiday keep');
      const national = await b.tick('2026-10-09T00:00:00Z');
      expect(national.seen.map(head)).toEqual([
        expect.stringMatching(/^【会议通知】#2 国庆照开 .*10月1日/),
        expect.stringMatching(/^【会议通知】#1 国庆党日 .*10月8日/),
      ]);
      expect((await b.tick('2026-10-09T00:00:00Z')).seen).toEqual([]);
    } finally {
      await b.stop();
    }
  });

  it('answers 到 for the moved occurrence and cancels it by its moved date', async () => {
    const { startMeetingBot } = await import('./support.ts');
    const b = await startMeetingBot('2026-09-28T00:00:00Z');
    try {
      await b.say('管理员', '/bindchat 东北流村党支部');
      await b.ask('管理员', '/meeting 国庆党日 | 0 9 1 10 * | 广场 | 0 --kind 主题党日');
      await b.tick('2026-10-02T00:00:00Z');
      await b.say('张三', '/whoami'); // a member of the village answers its roll call (the admin belongs to the township)
      const rsvp = (await b.ask('张三', '/rsvp #1 yes')).join('\n');
      expect(rsvp).toContain('10月8日');
      expect((await b.ask('管理员', '/meeting cancel #1 2026-10-01')).join('\n')).toContain('2026-10-08');
      expect((await b.ask('管理员', '/meeting cancel #1 10-08')).join('\n')).toContain('10月8日');
      expect((await b.tick('2026-10-09T00:00:00Z')).seen).toEqual([]);
    } finally {
      await b.stop();
    }
  });

  it('keeps a 2027 date as scheduled: the calendar does not know 2027 and nothing is guessed', async () => {
    const { startMeetingBot } = await import('./support.ts');
    const b = await startMeetingBot('2027-09-28T00:00:00Z');
    try {
      await b.say('管理员', '/bindchat 东北流村党支部');
      await b.ask('管理员', '/meeting 国庆党日 | 0 9 1 10 * | 广场 | 0 --kind 主题党日');
      await b.ask('管理员', '/meeting 春节党日 | 0 9 6 2 * | 广场 | 0 --kind 主题党日');
      const seen = (await b.tick('2028-02-08T00:00:00Z')).seen.map((s) => s.text.split('\n').slice(0, 2).join(' '));
      expect(seen).toEqual([
        expect.stringMatching(/^【会议通知】#1 国庆党日 .*10月1日/),
        expect.stringMatching(/^【会议通知】#2 春节党日 .*2月6日/),
      ]);
    } finally {
      await b.stop();
    }
  });
});
