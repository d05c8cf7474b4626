/**
 * The polls part of /report: poll turnout of a unit and its branches, and the annual evaluation
 * (双考评) of the branches from pledges, attendance and satisfaction ratings.
 */
import type { Context, ReportScope, ReportSection, Translate, Tx } from '../../bot/feature.ts';
import { listUnits } from '../../bot/roster.ts';
import { localParts } from '../../bot/time.ts';
import { rankUnits, rateToScore, type EvaluationConfig, type EvaluationSources, type PartScores, type RankedUnit } from './evaluation.ts';
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

/**
 * The annual evaluation of the branches under a unit (or of the unit itself when it is a branch):
 * each part's score, the composite and the rank. Exported for /report and tests.
 */
export async function evaluateUnits(
  db: Tx,
  units: readonly { id: number; name: string }[],
  from: Date,
  to: Date,
  sources: EvaluationSources,
  config: EvaluationConfig,
): Promise<RankedUnit[]> {
  const rows = [];
  for (const u of units) {
    const parts: PartScores = {
      pledges: sources.pledgeCompletion ? rateToScore(await sources.pledgeCompletion(db, u.id, from, to)) : null,
      attendance: sources.attendanceRate ? rateToScore(await sources.attendanceRate(db, u.id, from, to)) : null,
      satisfaction: await satisfactionScore(db, u.id, from, to),
    };
    rows.push({ unitId: u.id, name: u.name, parts });
  }
  return rankUnits(rows, config);
}

/** A part's score for the report: `87.5` or “无数据”. */
function partText(t: Translate, v: number | null): string {
  return v === null ? t('polls.report.noData') : String(Math.round(v * 10) / 10);
}

/** The report lines of a ranking. */
export function rankingLines(t: Translate, ranking: readonly RankedUnit[]): string[] {
  const lines: string[] = [];
  for (const r of ranking) {
    const c = r.composite;
    if (c.score === null) {
      lines.push(t('polls.report.unranked', { unit: r.name }));
    } else {
      const category = c.category ? t(`polls.report.category.${c.category}`) : t('polls.report.noCategory');
      const missing = c.missing.length ? t('polls.report.missing', { parts: c.missing.map((p) => t(`polls.report.part.${p}`)).join(t('polls.listSeparator')) }) : '';
      lines.push(t('polls.report.rankLine', { rank: r.rank ?? '-', unit: r.name, score: String(c.score), category, missing }));
    }
    lines.push(
      t('polls.report.parts', {
        pledges: partText(t, r.parts.pledges),
        attendance: partText(t, r.parts.attendance),
        satisfaction: partText(t, r.parts.satisfaction),
      }),
    );
  }
  return lines;
}

/**
 * The polls sections of /report: poll turnout of the unit (with its branches, for a township), and
 * the annual evaluation of its branches (of the branch itself, for a branch).
 */
export async function reportSections(ctx: Context, scope: ReportScope, sources: EvaluationSources, config: EvaluationConfig): Promise<ReportSection[]> {
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
  const evalLines = branches.length
    ? rankingLines(t, await evaluateUnits(db, branches, scope.from, scope.to, sources, config))
    : [t('polls.report.noBranches')];
  return [
    { title: t('polls.report.pollsTitle'), lines: pollLines },
    { title: t('polls.report.evalTitle'), lines: evalLines },
  ];
}

