/**
 * The year-end public report (公示) of pledges, and the figures other features read: per unit
 * (the township committee, then each branch under it), each pledge of the year with its outcome,
 * grouped done / partly done / not done, as chat text and as CSV rows; the check-in rate; and the
 * slice's /report section. Withdrawn pledges are counted apart and listed in neither group.
 */
import type { Context, ReportScope, ReportSection, Translate, Tx } from '../../bot/feature.ts';
import { listUnits, membersByIds } from '../../bot/roster.ts';
import { daysBetween, localDate, localYear, todayOf, type IsoDate } from './dates.ts';
import { isOverdue, outcomeOf, type Outcome, type PledgeView } from './rules.ts';
import { ownerLabel, type Names } from './render.ts';
import { exemptOnDay } from '../care/api.ts';
import { activeExemptions, listPledges, reminderSettings, type ReminderSettings } from './store.ts';

/** Counts of outcomes. */
export interface OutcomeCounts {
  readonly total: number;
  readonly done: number;
  readonly partly: number;
  readonly not: number;
  /** Withdrawn pledges of the year (not in `total`). */
  readonly withdrawn: number;
}

/** One pledge in the report. */
export interface ReportRow {
  readonly pledge: PledgeView;
  readonly unitName: string;
  /** The member's name, or the unit for a branch or township pledge. */
  readonly owner: string;
  readonly outcome: Outcome;
  readonly overdue: boolean;
}

/** One unit's part of the report. */
export interface UnitReport {
  readonly unitId: number;
  readonly unitName: string;
  readonly kind: string;
  readonly rows: readonly ReportRow[];
  readonly counts: OutcomeCounts;
}

/** The report of one unit (a branch) or of the township with all its branches. */
export interface PledgeReport {
  readonly year: number;
  readonly today: IsoDate;
  readonly units: readonly UnitReport[];
  readonly totals: OutcomeCounts;
}

/** Outcome order in lists and CSV. */
export const OUTCOMES: readonly Outcome[] = ['done', 'partly', 'not'];

function countOf(rows: readonly ReportRow[], withdrawn: number): OutcomeCounts {
  return {
    total: rows.length,
    done: rows.filter((r) => r.outcome === 'done').length,
    partly: rows.filter((r) => r.outcome === 'partly').length,
    not: rows.filter((r) => r.outcome === 'not').length,
    withdrawn,
  };
}

/**
 * The units a report on `unitId` covers: a branch alone, or the township followed by the
 * branches under it (by name). Empty when the unit does not exist.
 */
export async function reportUnits(tx: Tx, unitId: number): Promise<{ id: number; name: string; kind: string }[]> {
  const units = await listUnits(tx);
  const unit = units.find((u) => u.id === unitId);
  if (!unit) return [];
  if (unit.kind !== 'township') return [unit];
  const branches = units.filter((u) => u.parentId === unit.id && u.id !== unit.id).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  return [unit, ...branches];
}

/** Builds the report of `year` for a unit (a township includes its branches). */
export async function buildPledgeReport(
  tx: Tx,
  opts: { readonly unitId: number; readonly year: number; readonly today: IsoDate; readonly t: Translate },
): Promise<PledgeReport> {
  const units = await reportUnits(tx, opts.unitId);
  const all = await listPledges(tx, { unitIds: units.map((u) => u.id), year: opts.year });
  const members = await membersByIds(tx, all.map((p) => p.ownerId));
  const names: Names = { members, units: new Map(units.map((u) => [u.id, u])) };
  const reports = units.map((u): UnitReport => {
    const mine = all.filter((p) => p.unitId === u.id);
    const rows = mine
      .filter((p) => p.status !== 'withdrawn')
      .map((p): ReportRow => ({ pledge: p, unitName: u.name, owner: ownerLabel(opts.t, p, names), outcome: outcomeOf(p), overdue: isOverdue(p, opts.today) }));
    return { unitId: u.id, unitName: u.name, kind: u.kind, rows, counts: countOf(rows, mine.length - rows.length) };
  });
  const rows = reports.flatMap((r) => r.rows);
  return { year: opts.year, today: opts.today, units: reports, totals: countOf(rows, reports.reduce((n, r) => n + r.counts.withdrawn, 0)) };
}

/** `5/5户` or `打卡3次` for a report line. */
function amountText(t: Translate, p: PledgeView): string {
  if (p.target !== null) return `${p.progress}/${p.target}${p.unitWord}`;
  return t('pledges.report.checkins', { count: p.checkins });
}

/** The report as chat text: per unit a summary line, then the pledges under done / partly / not done. */
export function pledgeReportLines(t: Translate, report: PledgeReport): string[] {
  const lines = [t('pledges.report.title', { year: report.year })];
  for (const u of report.units) {
    const c = u.counts;
    lines.push(
      c.total === 0
        ? t('pledges.report.unitEmpty', { unit: u.unitName })
        : t('pledges.report.unitLine', { unit: u.unitName, total: c.total, done: c.done, partly: c.partly, not: c.not }),
    );
    for (const outcome of OUTCOMES) {
      const rows = u.rows.filter((r) => r.outcome === outcome);
      if (rows.length === 0) continue;
      lines.push(t(`pledges.report.group.${outcome}`, { count: rows.length }));
      for (const r of rows) {
        lines.push(t('pledges.report.item', { id: r.pledge.id, owner: r.owner, text: r.pledge.text, amount: amountText(t, r.pledge) }));
      }
    }
    if (c.withdrawn > 0) lines.push(t('pledges.report.withdrawn', { count: c.withdrawn }));
  }
  const tt = report.totals;
  if (report.units.length > 1) {
    lines.push(
      t('pledges.report.total', {
        total: tt.total,
        done: tt.done,
        partly: tt.partly,
        not: tt.not,
        percent: tt.total === 0 ? 0 : Math.floor((tt.done * 100) / tt.total),
      }),
    );
  }
  return lines;
}

/** CSV column keys, in order (their headers come from `pledges.csv.<key>`). */
export const CSV_COLUMNS = ['unit', 'id', 'scope', 'owner', 'text', 'target', 'unitWord', 'progress', 'checkins', 'due', 'overdue', 'outcome'] as const;

/** The report as CSV rows: a header row, then one row per pledge (withdrawn ones left out). */
export function pledgeReportRows(t: Translate, report: PledgeReport): string[][] {
  const header = CSV_COLUMNS.map((c) => t(`pledges.csv.${c}`));
  const rows = report.units.flatMap((u) =>
    u.rows.map((r) => {
      const p = r.pledge;
      const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
        unit: u.unitName,
        id: String(p.id),
        scope: t(`pledges.scope.${p.scope}`),
        owner: r.owner,
        text: p.text,
        target: p.target === null ? '' : String(p.target),
        unitWord: p.unitWord,
        progress: String(p.progress),
        checkins: String(p.checkins),
        due: p.dueDate ?? '',
        overdue: r.overdue ? t('pledges.csv.yes') : '',
        outcome: t(`pledges.outcome.${r.outcome}`),
      };
      return CSV_COLUMNS.map((c) => cells[c]);
    }),
  );
  return [header, ...rows];
}

/** How many pledging members checked in lately. */
export interface CheckinRate {
  /** Members with open pledges of the year still short of their target, not exempt. */
  readonly members: number;
  /** Of those, the ones with a check-in in the last `days` days. */
  readonly active: number;
  readonly days: number;
}

/**
 * The check-in rate of units: among members with open, unfinished pledges of the year (exempt
 * members left out), how many checked in within the last `days` days (today included).
 */
export async function checkinRate(
  tx: Tx,
  opts: { readonly unitIds: readonly number[]; readonly year: number; readonly today: IsoDate; readonly timeZone: string; readonly days: number },
): Promise<CheckinRate> {
  const pledges = (await listPledges(tx, { unitIds: opts.unitIds, year: opts.year, statuses: ['open'], scopes: ['member'] })).filter(
    (p) => outcomeOf(p) !== 'done',
  );
  const ownerIds = [...new Set(pledges.map((p) => p.ownerId))];
  const exempt = await activeExemptions(tx, opts.today, ownerIds);
  const cared = await exemptOnDay(tx, ownerIds, opts.today);
  const owners = new Map<number, boolean>();
  for (const p of pledges) {
    if (exempt.has(p.ownerId) || cared.has(p.ownerId)) continue;
    const recent = p.lastCheckinAt !== null && daysBetween(localDate(p.lastCheckinAt, opts.timeZone), opts.today) < opts.days;
    owners.set(p.ownerId, (owners.get(p.ownerId) ?? false) || recent);
  }
  return { members: owners.size, active: [...owners.values()].filter(Boolean).length, days: opts.days };
}

/** This feature's /report section (text with the check-in rate and the 公示; CSV of every pledge). */
export async function pledgesReport(ctx: Context, scope: ReportScope, defaults: ReminderSettings): Promise<ReportSection[]> {
  const { today } = todayOf(ctx);
  const year = localYear(scope.from, ctx.timeZone);
  const report = await buildPledgeReport(ctx.db, { unitId: scope.unitId, year, today, t: ctx.t });
  const unitIds = (await reportUnits(ctx.db, scope.unitId)).map((u) => u.id);
  const days = (await reminderSettings(ctx.db, [scope.unitId], defaults)).get(scope.unitId)!.staleDays;
  const lines: string[] = [];
  if (year === localYear(ctx.now(), ctx.timeZone)) {
    const rate = await checkinRate(ctx.db, { unitIds, year, today, timeZone: ctx.timeZone, days });
    if (rate.members > 0) lines.push(ctx.t('pledges.report.rate', { active: rate.active, members: rate.members, days: rate.days, percent: Math.floor((rate.active * 100) / rate.members) }));
  }
  lines.push(...pledgeReportLines(ctx.t, report));
  return [
    {
      title: ctx.t('pledges.report.section', { year }),
      lines,
      export: { key: 'pledges', aliases: ['承诺', '承诺践诺', '公示', 'pledge'], fileName: `pledges-${year}-${scope.unitName}`, rows: pledgeReportRows(ctx.t, report) },
    },
  ];
}
