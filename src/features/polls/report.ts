/**
 * The polls part of /report: poll turnout of a unit and its branches; and the satisfaction part of
 * the annual evaluation (the evaluation slice ranks the branches).
 */
import type { Context, ReportScope, ReportSection, Tx } from '../../bot/feature.ts';
import { listUnits } from '../../bot/roster.ts';
import { localParts } from '../../bot/time.ts';
import type { EvaluationPart } from '../evaluation/api.ts';
import { hiddenByMin } from './lifecycle.ts';
import { turnoutLine } from './render.ts';
import { ballotGroups, closedRatingsBetween, eligibleMembers, pollsOfUnitsBetween, receiptCounts } from './store.ts';
import { tallyScoreGroups } from './tally.ts';

/**
 * Satisfaction of a unit over [from, to) on a 0-100 scale: the mean of the means of its rating
 * polls closed in the period that reached their `--min` (each poll weighs the same); null when
 * there is none.
 */
export async function satisfactionScore(db: Tx, unitId: number, from: Date, to: Date): Promise<number | null> {
  const means: number[] = [];
  for (const poll of await closedRatingsBetween(db, unitId, from, to)) {
    const scores = (await ballotGroups(db, poll)).flatMap((g) => (g.score === null ? [] : [{ value: g.score, count: g.count }]));
    const tally = tallyScoreGroups(scores);
    if (tally.ballots === 0 || hiddenByMin(poll, tally)) continue;
    means.push(scores.reduce((a, g) => a + g.value * g.count, 0) / tally.ballots);
  }
  return means.length ? means.reduce((a, b) => a + b, 0) / means.length : null;
}

/** The satisfaction part of the annual evaluation: `satisfactionScore` of each unit over the period. */
export const satisfactionPart: EvaluationPart = {
  key: 'satisfaction',
  labelKey: 'evaluation.part.satisfaction',
  async scores(db, unitIds, period) {
    const out = new Map<number, number>();
    for (const id of unitIds) {
      const v = await satisfactionScore(db, id, period.from, period.to);
      if (v !== null) out.set(id, v);
    }
    return out;
  },
};

/** The polls section of /report: poll turnout of the unit (with its branches, for a township). */
export async function reportSections(ctx: Context, scope: ReportScope): Promise<ReportSection[]> {
  const { t, db } = ctx;
  const units = await listUnits(db);
  const branches = scope.unitKind === 'township' ? units.filter((u) => u.parentId === scope.unitId) : units.filter((u) => u.id === scope.unitId);
  // A township's report counts its own polls and its branches'.
  const unitIds = [...new Set([scope.unitId, ...branches.map((b) => b.id)])];
  const polls = await pollsOfUnitsBetween(db, unitIds, scope.from, scope.to);
  const pollLines: string[] = [];
  if (polls.length === 0) {
    pollLines.push(t('polls.report.pollsNone', { year: localParts(scope.from, ctx.timeZone).year }));
  } else {
    const counts = await receiptCounts(db, polls.map((p) => p.id));
    let voted = 0;
    let eligible = 0;
    for (const p of polls) {
      voted += counts.get(p.id) ?? 0;
      eligible += p.eligibleAtClose ?? (await eligibleMembers(db, p)).length;
    }
    const closed = polls.filter((p) => p.status === 'closed').length;
    pollLines.push(t('polls.report.pollsLine', { count: polls.length, closed, year: localParts(scope.from, ctx.timeZone).year }));
    pollLines.push(turnoutLine(t, voted, eligible));
  }
  return [{ title: t('polls.report.pollsTitle'), lines: pollLines }];
}

