/**
 * The quiz feature's part of `/report` and `/export`: quiz participation per unit over the
 * report's period (a township's report has a line per branch and one for the whole township),
 * and a CSV with one row per member (points credited, answers, right answers; most points first).
 * No section at all while nobody in scope has answered a question or run a quiz in the period.
 */
import type { Context, ReportScope, ReportSection } from '../../bot/feature.ts';
import { listUnits, membersOfUnit } from '../../bot/roster.ts';
import { localParts } from '../../bot/time.ts';
import { memberQuizStats, quizParticipation, type QuizParticipation } from './store/stats.ts';
import { partyRoles } from '../../bot/policy.ts';

/** A whole-number percentage (0 when the base is 0). */
function percent(part: number, whole: number): number {
  return whole > 0 ? Math.floor((part * 100) / whole) : 0;
}

/** The units a report covers: the unit, and a township's branches (by name). */
async function unitsOf(ctx: Context, scope: ReportScope): Promise<{ id: number; name: string }[]> {
  const all = await listUnits(ctx.db);
  if (scope.unitKind !== 'township') return [{ id: scope.unitId, name: scope.unitName }];
  const branches = all.filter((u) => u.parentId === scope.unitId && u.id !== scope.unitId).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  return [{ id: scope.unitId, name: scope.unitName }, ...branches];
}

function line(ctx: Context, unit: string, p: QuizParticipation): string {
  return ctx.t('quizzes.report.line', {
    unit,
    participants: p.participants,
    members: p.members,
    percent: percent(p.participants, p.members),
    answers: p.answers,
    correct: p.correct,
    accuracy: percent(p.correct, p.answers),
    quizzes: p.quizzes,
  });
}

/** This feature's `/report` section (see the module comment); none when nobody in scope answered or ran a quiz. */
export async function quizReportSections(ctx: Context, scope: ReportScope): Promise<ReportSection[]> {
  const units = await unitsOf(ctx, scope);
  const lines: string[] = [];
  const rows: string[][] = [[ctx.t('quizzes.report.col.unit'), ctx.t('quizzes.report.col.name'), ctx.t('quizzes.report.col.points'), ctx.t('quizzes.report.col.answers'), ctx.t('quizzes.report.col.correct')]];
  const total = { members: 0, participants: 0, answers: 0, correct: 0, quizzes: 0 };
  for (const u of units) {
    const p = await quizParticipation(ctx.db, u.id, scope.from, scope.to);
    if (p.members === 0 && p.quizzes === 0) continue;
    lines.push(line(ctx, u.name, p));
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += p[k];
    const members = await membersOfUnit(ctx.db, u.id, partyRoles());
    const stats = await memberQuizStats(ctx.db, members.map((m) => m.id), scope.from, scope.to);
    const scored = members.map((m) => ({ name: m.name, ...(stats.get(m.id) ?? { answers: 0, correct: 0, points: 0 }) }));
    scored.sort((a, b) => b.points - a.points || a.name.localeCompare(b.name, 'zh-CN'));
    for (const m of scored) rows.push([u.name, m.name, String(m.points), String(m.answers), String(m.correct)]);
  }
  // A report on a unit where nobody has taken a quiz this period says nothing about quizzes.
  if (lines.length === 0 || (total.answers === 0 && total.quizzes === 0)) return [];
  if (lines.length > 1) lines.push(line(ctx, ctx.t('quizzes.report.total'), total));
  const year = localParts(scope.from, ctx.timeZone).year;
  return [
    {
      title: ctx.t('quizzes.report.section', { year }),
      lines,
      export: { key: 'quizzes', aliases: ['答题', '学习', '理论学习', 'quiz'], fileName: `quizzes-${year}-${scope.unitName}`, rows },
    },
  ];
}
