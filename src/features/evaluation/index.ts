/**
 * The annual evaluation slice (定类升级, 双考评): one section of /report ranking the branches by a
 * composite of the parts other slices contribute through their api.ts (see `EvaluationPart`).
 * Reads and validates `prompts/evaluation.yaml` at start-up: a weight per part key.
 */
import type { Feature } from '../../bot/feature.ts';
import type { EvaluationPart } from './api.ts';
import { evaluationSection } from './report.ts';
import { loadEvaluationConfig } from './rules.ts';

/** What the evaluation is built with. */
export interface EvaluationOptions {
  /** The prompts folder (for `evaluation.yaml`). */
  readonly promptsDir: string;
  /** The parts, in display order (`src/features/index.ts` lists them). */
  readonly parts: readonly EvaluationPart[];
}

/** Builds the evaluation feature. A bad `evaluation.yaml` (or a weight for no part) stops start-up. */
export function evaluationFeature(opts: EvaluationOptions): Feature {
  const config = loadEvaluationConfig(opts.promptsDir, opts.parts.map((p) => p.key));
  return {
    name: 'evaluation',
    commands: [],
    reportSections: async (ctx, scope) => [await evaluationSection(ctx, scope, opts.parts, config)],
  };
}
