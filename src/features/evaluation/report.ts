/**
 * The evaluation section of /report: the branches under a unit (or the branch itself) ranked by
 * the composite, each with its parts' scores, saying which part has no data.
 */
import type { Context, ReportScope, ReportSection, Translate, Tx } from '../../bot/feature.ts';
import { listUnits } from '../../bot/roster.ts';
import { localParts } from '../../bot/time.ts';
import type { EvaluationPart, EvaluationPeriod } from './api.ts';
import { rankUnits, type EvaluationConfig, type PartScores, type RankedUnit } from './rules.ts';

/** Each unit's part scores, the composite and the rank (the parts with a weight above 0). */
export async function evaluateUnits(db: Tx, units: readonly { id: number; name: string }[], period: EvaluationPeriod, parts: readonly EvaluationPart[], config: EvaluationConfig): Promise<RankedUnit[]> {
  const ids = units.map((u) => u.id);
  const scored = new Map<string, ReadonlyMap<number, number>>();
  for (const p of weighted(parts, config)) scored.set(p.key, await p.scores(db, ids, period));
  const rows = units.map((u) => {
    const values: Record<string, number | null> = {};
    for (const [key, scores] of scored) values[key] = scores.get(u.id) ?? null;
    return { unitId: u.id, name: u.name, parts: values as PartScores };
  });
  return rankUnits(rows, config);
}

/** The parts that count (weight above 0), in the order they are listed. */
function weighted(parts: readonly EvaluationPart[], config: EvaluationConfig): EvaluationPart[] {
  return parts.filter((p) => (config.weights[p.key] ?? 0) > 0);
}

/** A part's score for the report: `87.5` or “无数据”. */
function partText(t: Translate, v: number | null | undefined): string {
  return v === null || v === undefined ? t('evaluation.noData') : String(Math.round(v * 10) / 10);
}

/** The report lines of a ranking. */
export function rankingLines(t: Translate, ranking: readonly RankedUnit[], parts: readonly EvaluationPart[], config: EvaluationConfig): string[] {
  const shown = weighted(parts, config);
  const label = new Map(shown.map((p) => [p.key, t(p.labelKey)]));
  const lines: string[] = [];
  for (const r of ranking) {
    const c = r.composite;
    if (c.score === null) {
      lines.push(t('evaluation.unranked', { unit: r.name }));
    } else {
      const category = c.category ? t(`evaluation.category.${c.category}`) : t('evaluation.noCategory');
      const missing = c.missing.length ? t('evaluation.missing', { parts: c.missing.map((p) => label.get(p) ?? p).join(t('evaluation.listSeparator')) }) : '';
      lines.push(t('evaluation.rankLine', { rank: r.rank ?? '-', unit: r.name, score: String(c.score), category, missing }));
    }
    const scores = shown.map((p) => t('evaluation.partScore', { part: label.get(p.key)!, score: partText(t, r.parts[p.key]) }));
    lines.push(t('evaluation.parts', { scores: scores.join(t('evaluation.partSeparator')) }));
  }
  return lines;
}

/** The evaluation section of /report for `scope`. */
export async function evaluationSection(ctx: Context, scope: ReportScope, parts: readonly EvaluationPart[], config: EvaluationConfig): Promise<ReportSection> {
  const units = await listUnits(ctx.db);
  const branches = scope.unitKind === 'township' ? units.filter((u) => u.parentId === scope.unitId) : units.filter((u) => u.id === scope.unitId);
  const period: EvaluationPeriod = { year: localParts(scope.from, ctx.timeZone).year, from: scope.from, to: scope.to, timeZone: ctx.timeZone };
  const lines = branches.length ? rankingLines(ctx.t, await evaluateUnits(ctx.db, branches, period, parts, config), parts, config) : [ctx.t('evaluation.noBranches')];
  return { title: ctx.t('evaluation.title'), lines };
}
