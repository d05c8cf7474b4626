import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { checkCron, CronSchedule, restrictsBothDays } from '../../src/scheduler/cron.ts';
import { formatLocal, localMidnight, parseLocalDate } from '../../src/bot/time.ts';

describe('BOT_SCHEDULE_GRACE_MINUTES', () => {
  it('defaults to 120 and takes 0 to 10080 whole minutes', () => {
    expect(loadConfig({}).BOT_SCHEDULE_GRACE_MINUTES).toBe(120);
    expect(loadConfig({ BOT_SCHEDULE_GRACE_MINUTES: '0' }).BOT_SCHEDULE_GRACE_MINUTES).toBe(0);
    expect(loadConfig({ BOT_SCHEDULE_GRACE_MINUTES: '30' }).BOT_SCHEDULE_GRACE_MINUTES).toBe(30);
    for (const bad of ['-1', '1.5', 'two hours', '10081']) {
      expect(() => loadConfig({ BOT_SCHEDULE_GRACE_MINUTES: bad }), bad).toThrow(ConfigError);
    }
    expect(() => loadConfig({ BOT_SCHEDULE_GRACE_MINUTES: 'two hours' })).toThrow(/^BOT_SCHEDULE_GRACE_MINUTES: must be a whole number of minutes, e.g. 120 \(got "two hours"\)$/);
  });
});

describe('cron and local time helpers', () => {
  const now = new Date('2026-11-26T00:00:00Z');
  it('accepts 5 fields, names and steps; refuses the rest with the field', () => {
    expect(checkCron(' 0  9 * *   sun ', 'Asia/Shanghai', now)).toEqual({ ok: true, expression: '0 9 * * sun' });
    expect(checkCron('*/15 8-18 * jan-mar 1-5', 'Asia/Shanghai', now).ok).toBe(true);
    expect(checkCron('', 'Asia/Shanghai', now)).toEqual({ ok: false, problem: { kind: 'fieldCount', fields: 0 } });
    expect(checkCron('@daily', 'Asia/Shanghai', now)).toEqual({ ok: false, problem: { kind: 'fieldCount', fields: 1 } });
    expect(checkCron('0 9 * 13 *', 'Asia/Shanghai', now)).toEqual({ ok: false, problem: { kind: 'field', field: 'month', value: '13' } });
    expect(checkCron('0 9 31 4 *', 'Asia/Shanghai', now)).toEqual({ ok: false, problem: { kind: 'never' } });
    expect(checkCron('x'.repeat(200), 'Asia/Shanghai', now).ok).toBe(false);
    expect(restrictsBothDays('0 9 1 * 1')).toBe(true);
    expect(restrictsBothDays('0 9 1 * *')).toBe(false);
  });

  it('iterates fire times in the org time zone, a lead earlier', () => {
    const s = new CronSchedule('0 9 * * *', 'Asia/Shanghai', 30);
    expect(s.nextFireAfter(now)!.toISOString()).toBe('2026-11-26T00:30:00.000Z'); // 08:30 Shanghai
    const { fires, more } = s.firesBetween(now, new Date('2026-11-29T00:30:00Z'), 2);
    expect([fires.map((f) => f.toISOString()), more]).toEqual([['2026-11-26T00:30:00.000Z', '2026-11-27T00:30:00.000Z'], true]);
    expect(s.cronTimeOf(fires[0]!).toISOString()).toBe('2026-11-26T01:00:00.000Z');
    // A zone with daylight saving: 09:00 in New York is 14:00 UTC in winter, 13:00 in summer.
    const ny = new CronSchedule('0 9 * * *', 'America/New_York');
    expect(ny.nextFireAfter(new Date('2026-03-07T15:00:00Z'))!.toISOString()).toBe('2026-03-08T13:00:00.000Z');
  });

  it('shows and reads local dates', () => {
    expect(formatLocal(new Date('2026-11-28T07:00:00Z'), 'Asia/Shanghai', 'zh-CN', now)).toBe('11月28日 周六 15:00');
    expect(formatLocal(new Date('2027-01-04T00:30:00Z'), 'Asia/Shanghai', 'zh-CN', now)).toBe('2027年1月4日 周一 08:30');
    expect(formatLocal(new Date('2026-11-28T07:00:00Z'), 'Asia/Shanghai', 'en', now)).toBe('Sat 28 Nov 15:00');
    expect(['2026-12-02', '12-2', '12/2', '12月2日', '12月2号', '2026年12月2日'].map((d) => parseLocalDate(d, now, 'Asia/Shanghai'))).toEqual(Array(6).fill('2026-12-02'));
    expect(parseLocalDate('11-1', now, 'Asia/Shanghai')).toBe('2027-11-01'); // the next such day
    expect(['2-30', '13-1', '0-5', 'tomorrow', '12-2; DROP'].map((d) => parseLocalDate(d, now, 'Asia/Shanghai'))).toEqual(Array(5).fill(null));
    expect(localMidnight('2026-12-02', 'Asia/Shanghai').toISOString()).toBe('2026-12-01T16:00:00.000Z');
  });
});
