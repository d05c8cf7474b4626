/**
 * The review's part of /report (the year's review of the unit and its branches: who took part, how
 * many were decided and how) and of the annual evaluation (`reviewPart`).
 */
import type { Context, ReportScope, ReportSection, Tx } from '../../bot/feature.ts';
import { listUnits } from '../../bot/roster.ts';
import { localParts } from '../../bot/time.ts';
import type { EvaluationPart } from '../evaluation/api.ts';
import { decisionsOf, GRADES, reviewsOfUnits, subjectsOf, type Grade } from './store.ts';

/** Grades that count as passing the review (合格 or better). */
const PASSING: ReadonlySet<Grade> = new Set(['excellent', 'qualified']);

/**
 * The review score of a unit in a year, 0-100: the share of the members under its review whom the
 * 支委会 decided 合格 or 优秀. Null when the unit held no review that year or decided nobody yet.
 */
export async function reviewScore(db: Tx, unitId: number, year: number): Promise<number | null> {
  const [review] = await reviewsOfUnits(db, [unitId], year);
  if (!review) return null;
  const decisions = await decisionsOf(db, review.id);
  if (decisions.size === 0) return null;
  const total = (await subjectsOf(db, review.id)).length;
  const passing = [...decisions.values()].filter((g) => PASSING.has(g)).length;
  return total === 0 ? null : (100 * passing) / total;
}

/** The review part of the annual evaluation (`review` in prompts/evaluation.yaml). */
export const reviewPart: EvaluationPart = {
  key: 'review',
  labelKey: 'evaluation.part.review',
  async scores(db, unitIds, period) {
    const out = new Map<number, number>();
    for (const id of unitIds) {
      const v = await reviewScore(db, id, period.year);
      if (v !== null) out.set(id, v);
    }
    return out;
  },
};

/** The review section of /report: one line per unit (the unit and, for a township, its branches). */
export async function reportSections(ctx: Context, scope: ReportScope): Promise<ReportSection[]> {
  const { t, db } = ctx;
  const year = localParts(scope.from, ctx.timeZone).year;
  const units = await listUnits(db);
  const ids = [...new Set([scope.unitId, ...units.filter((u) => scope.unitKind === 'township' && u.parentId === scope.unitId).map((u) => u.id)])];
  const reviews = await reviewsOfUnits(db, ids, year);
  if (reviews.length === 0) return [{ title: t('review.report.title'), lines: [t('review.report.none', { year })] }];
  let total = 0;
  const counts = new Map<Grade, number>(GRADES.map((g) => [g, 0]));
  let decided = 0;
  for (const r of reviews) {
    total += (await subjectsOf(db, r.id)).length;
    for (const g of (await decisionsOf(db, r.id)).values()) {
      counts.set(g, (counts.get(g) ?? 0) + 1);
      decided++;
    }
  }
  const line = t('review.report.line', { year, total, decided, excellent: counts.get('excellent')!, qualified: counts.get('qualified')!, basic: counts.get('basic')!, unqualified: counts.get('unqualified')! });
  return [{ title: t('review.report.title'), lines: [line] }];
}
