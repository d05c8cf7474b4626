import { describe, expect, it } from 'vitest';
import {
  bareAnswersOpenAt,
  MAX_REASON,
  nearestDateKey,
  parseLead,
  readAttendanceArgs,
  readBareAnswer,
  readMeetingArgs,
  readRsvp,
  takeFlags,
} from '../../../src/features/meetings/rules.ts';

const words = (text: string) => text.split(/\s+/).filter(Boolean);
const meeting = (text: string) => readMeetingArgs(text, words(text));

describe('meetings rules', () => {
  it('reads a new meeting with its lead and flags', () => {
    expect(meeting('党员大会 | 0 9 1 * * | 村部 | 2小时 --kind 支部党员大会 --holiday 顺延')).toEqual({
      action: 'create', title: '党员大会', cron: '0 9 1 * *', place: '村部', lead: 120, kind: '支部党员大会', holiday: 'move',
    });
    expect(meeting('例会 | 0 9 * * 1 | 会议室')).toMatchObject({ action: 'create', lead: 60, kind: null, holiday: null });
    expect(meeting('例会 | 0 9 * * 1')).toEqual({ malformed: 'title | cron | place [| lead]' });
    expect(meeting(`${'长'.repeat(41)} | 0 9 * * 1 | 村部`)).toEqual({ malformed: 'title' });
    expect(meeting('例会 | 0 9 * * 1 | 村部 | 8天')).toEqual({ malformed: 'lead' });
    expect(meeting('例会 | 0 9 * * 1 | 村部 --holiday constructor')).toEqual({ malformed: '--kind NAME --holiday keep|skip|move' });
  });

  it('reads cancel and default', () => {
    expect(meeting('取消 #3 2026-05-01')).toEqual({ action: 'cancel', id: 3, date: '2026-05-01' });
    expect(meeting('cancel 3')).toEqual({ action: 'cancel', id: 3, date: null });
    expect(meeting('cancel')).toEqual({ malformed: 'cancel #N [date]' });
    expect(meeting('默认 联席会议')).toEqual({ action: 'default', name: '联席会议' });
    expect(meeting('default')).toEqual({ action: 'default', name: null });
    expect(meeting('开会')).toEqual({ malformed: 'form' });
  });

  it('reads leads in minutes, hours and days', () => {
    expect(parseLead('90min')).toBe(90);
    expect(parseLead('六十')).toBe(60);
    expect(parseLead('1天')).toBe(1440);
    expect(parseLead('abc')).toBeUndefined();
    expect(takeFlags('a --bogus x')).toBeNull();
  });

  it('reads /rsvp and /leave', () => {
    expect(readRsvp(words('#2 请假 家里有事'), 'yes')).toEqual({ id: 2, answer: 'no', reason: '家里有事' });
    expect(readRsvp(words('2 到'), 'yes')).toEqual({ id: 2, answer: 'yes', reason: null });
    expect(readRsvp(words('2 生病'), 'no')).toEqual({ id: null, answer: 'no', reason: '2 生病' });
    expect(readRsvp(words('#2 生病'), 'no')).toEqual({ id: 2, answer: 'no', reason: '生病' });
    expect(readRsvp(['长'.repeat(MAX_REASON + 1)], 'no')).toBeNull();
  });

  it('takes only a bare 到 or 请假 as an answer', () => {
    expect(readBareAnswer('到！')).toEqual({ answer: 'yes', reason: null });
    expect(readBareAnswer('请假，孩子发烧')).toEqual({ answer: 'no', reason: '孩子发烧' });
    expect(readBareAnswer('请假')).toEqual({ answer: 'no', reason: null });
    expect(readBareAnswer('到了')).toBeNull();
    expect(readBareAnswer('请假的人多吗')).toBeNull();
    const start = new Date('2026-05-02T01:00:00Z');
    expect(bareAnswersOpenAt(start, 60)).toBe(start.getTime() - 24 * 3_600_000);
    expect(bareAnswersOpenAt(start, 2880)).toBe(start.getTime() - 48 * 3_600_000);
  });

  it('reads /attendance forms and marks', () => {
    expect(readAttendanceArgs([])).toEqual({ action: 'summary' });
    expect(readAttendanceArgs(words('#4 5-1'))).toEqual({ action: 'rollcall', id: 4, date: '5-1' });
    expect(readAttendanceArgs(words('#4 到:张三,@李四 缺:3 假: 赵六'))).toEqual({
      action: 'record', id: 4, date: null,
      marks: [{ status: 'present', who: '张三' }, { status: 'present', who: '李四' }, { status: 'absent', who: '3' }, { status: 'excused', who: '赵六' }],
    });
    expect(readAttendanceArgs(words('张三'))).toEqual({ malformed: '#N expected' });
    expect(readAttendanceArgs(words('#4 5-1 昨天 到:张三'))).toEqual({ malformed: 'one date at most before the marks' });
    expect(readAttendanceArgs(words('#4 到:'))).toEqual({ malformed: 'names expected after 到: 缺: 假:' });
  });

  it('takes a date without a year as the nearest such day', () => {
    const jan3 = new Date('2026-01-03T02:00:00Z');
    expect(nearestDateKey('12-28', jan3, 'Asia/Shanghai')).toBe('2025-12-28');
    expect(nearestDateKey('1-5', jan3, 'Asia/Shanghai')).toBe('2026-01-05');
    expect(nearestDateKey('不是日期', jan3, 'Asia/Shanghai')).toBeNull();
  });
});
