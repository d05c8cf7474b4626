/**
 * Cron expressions: validation (node-cron's field checker, so what we accept is what node-cron
 * accepts) and iteration in the org time zone (cron-parser, because node-cron 4 has no public way
 * to ask "the next fire after this instant" — only after the real `new Date()`, which an injected
 * clock cannot move). Only the standard 5 fields (minute hour day-of-month month day-of-week) are
 * accepted; a 6-field expression with seconds is refused.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { validateDetailed } from 'node-cron';

/** The five fields, in order. */
export const CRON_FIELDS = ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'] as const;

/** A cron field name. */
export type CronField = (typeof CRON_FIELDS)[number];

/** Why an expression was refused. */
export type CronProblem =
  /** Not 5 fields (`fields` is how many there were). */
  | { readonly kind: 'fieldCount'; readonly fields: number }
  /** 6 fields: a seconds field, which schedules here do not use. */
  | { readonly kind: 'seconds' }
  /** One field is out of range or malformed. */
  | { readonly kind: 'field'; readonly field: CronField; readonly value: string }
  /** Well-formed but never fires (e.g. 30 February). */
  | { readonly kind: 'never' };

/** The result of `checkCron`. */
export type CronCheck = { readonly ok: true; readonly expression: string } | { readonly ok: false; readonly problem: CronProblem };

/** Longest expression looked at (anything longer is refused as malformed without parsing). */
const MAX_EXPRESSION = 100;

/**
 * Checks a 5-field cron expression: field count, each field's range and form, and that it fires
 * at least once after `now`. Returns the expression with single spaces.
 */
export function checkCron(expression: string, timeZone: string, now: Date): CronCheck {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (expression.length > MAX_EXPRESSION) return { ok: false, problem: { kind: 'fieldCount', fields: fields.length } };
  if (fields.length === 6) return { ok: false, problem: { kind: 'seconds' } };
  if (fields.length !== 5) return { ok: false, problem: { kind: 'fieldCount', fields: fields.length } };
  const normal = fields.join(' ');
  const v = validateDetailed(normal);
  if (!v.valid) {
    const e = v.errors[0];
    const field = (CRON_FIELDS as readonly string[]).includes(e?.field ?? '') ? (e!.field as CronField) : 'minute';
    // node-cron also refuses a day that exists in no listed month (30 February): say "never".
    if (field === 'dayOfMonth' && neverDay(normal, timeZone, now)) return { ok: false, problem: { kind: 'never' } };
    return { ok: false, problem: { kind: 'field', field, value: e?.value ?? '' } };
  }
  try {
    const it = CronExpressionParser.parse(normal, { tz: timeZone, currentDate: now });
    it.next();
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    if (/day of month|loop limit|Out of the time span/i.test(message)) return { ok: false, problem: { kind: 'never' } };
    return { ok: false, problem: { kind: 'field', field: fieldNamedIn(message), value: '' } };
  }
  return { ok: true, expression: normal };
}

/** True when cron-parser reads the fields but finds the day of month impossible in the listed months. */
function neverDay(expression: string, timeZone: string, now: Date): boolean {
  try {
    CronExpressionParser.parse(expression, { tz: timeZone, currentDate: now }).next();
    return false;
  } catch (err) {
    return err instanceof Error && /explicit day of month/i.test(err.message);
  }
}

function fieldNamedIn(message: string): CronField {
  if (/hour/i.test(message)) return 'hour';
  if (/month/i.test(message) && /day/i.test(message)) return 'dayOfMonth';
  if (/month/i.test(message)) return 'month';
  if (/week/i.test(message)) return 'dayOfWeek';
  return 'minute';
}

/** True when both day-of-month and day-of-week are restricted (standard cron then fires on EITHER). */
export function restrictsBothDays(expression: string): boolean {
  const f = expression.trim().split(/\s+/);
  const free = (s: string | undefined) => s === '*' || s === '?';
  return !free(f[2]) && !free(f[4]);
}

/**
 * The fire times of one schedule in the org time zone: cron times shifted `leadMinutes` earlier.
 * Iterating is not free (cron-parser computes in the zone), so callers ask for windows, not lists.
 */
export class CronSchedule {
  private readonly leadMs: number;

  constructor(
    readonly expression: string,
    readonly timeZone: string,
    readonly leadMinutes = 0,
  ) {
    this.leadMs = leadMinutes * 60_000;
    // Fail early (at registration) on an expression that cannot be iterated.
    this.iterator(new Date(0));
  }

  private iterator(after: Date): CronExpression {
    return CronExpressionParser.parse(this.expression, { tz: this.timeZone, currentDate: after });
  }

  /** The first fire time strictly after `after`, or null when there is none. */
  nextFireAfter(after: Date): Date | null {
    const it = this.iterator(new Date(after.getTime() + this.leadMs));
    try {
      return new Date(it.next().toDate().getTime() - this.leadMs);
    } catch {
      return null;
    }
  }

  /**
   * Fire times in (`after`, `until`], oldest first, at most `limit` of them; `more` is true when
   * the window held more than `limit`.
   */
  firesBetween(after: Date, until: Date, limit: number): { fires: Date[]; more: boolean } {
    const fires: Date[] = [];
    if (until.getTime() <= after.getTime()) return { fires, more: false };
    const it = this.iterator(new Date(after.getTime() + this.leadMs));
    const end = until.getTime() + this.leadMs;
    for (;;) {
      let t: number;
      try {
        t = it.next().toDate().getTime();
      } catch {
        return { fires, more: false };
      }
      if (t > end) return { fires, more: false };
      if (fires.length === limit) return { fires, more: true };
      fires.push(new Date(t - this.leadMs));
    }
  }

  /** The cron time (the meeting's start) of a fire time. */
  cronTimeOf(fire: Date): Date {
    return new Date(fire.getTime() + this.leadMs);
  }
}

/** The next `count` cron times strictly after `after` (e.g. upcoming meetings), oldest first. */
export function nextCronTimes(expression: string, timeZone: string, after: Date, count: number): Date[] {
  const it = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: after });
  const out: Date[] = [];
  for (let i = 0; i < count; i++) {
    try {
      out.push(it.next().toDate());
    } catch {
      break;
    }
  }
  return out;
}

/** The latest cron time strictly before `before`, or null (e.g. the meeting just held). */
export function prevCronTime(expression: string, timeZone: string, before: Date): Date | null {
  try {
    return CronExpressionParser.parse(expression, { tz: timeZone, currentDate: before }).prev().toDate();
  } catch {
    return null;
  }
}
