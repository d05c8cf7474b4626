/**
 * How the pledges commands take their arguments: the pure parsers of parse.ts wrapped as zod
 * schemas, the refusal a parser made, and the sub-command specs of /pledge and /pledges.
 */
import { z } from 'zod';
import { argInput } from '../../bot/args.ts';
import { UserError } from '../../bot/feature.ts';
import type { PromptKey } from '../../bot/prompt-keys.ts';
import type { Role } from '../../bot/types.ts';
import { isProblem, MAX_PLEDGE_TEXT, type Problem } from './parse.ts';

/** A sub-command of /pledge or /pledges with a role of its own, and the refusal it gives. */
export const sub = <K extends string>(name: string, key: K, minRole: Role, refusalKey: PromptKey) => ({
  name,
  minRole,
  // Template literal types: tsc checks `pledges.sub.<key>.summary` is a prompt key.
  summaryKey: `pledges.sub.${key}.summary` as const,
  usageKey: `pledges.sub.${key}.usage` as const,
  refusalKey,
});

/** Wraps a pure parser as the zod schema of a command: undefined is a usage mistake. */
export function schemaOf<T>(parse: (tokens: readonly string[], raw: string) => T | Problem | undefined) {
  return argInput.transform((a, ctx): T | Problem => {
    // Not parsed at all: far longer than any wording or note may be (both MAX_PLEDGE_TEXT).
    if ([...a.text].length > 2000) return { problem: { key: 'pledges.error.textTooLong', vars: { max: MAX_PLEDGE_TEXT } } };
    const r = parse(a.tokens, a.raw);
    if (r === undefined) {
      ctx.addIssue({ code: 'custom', message: 'usage' });
      return z.NEVER;
    }
    return r;
  });
}

/** Throws the parser's specific refusal, if it made one. */
export function refuseProblem<T>(r: T | Problem): T {
  if (isProblem(r)) throw new UserError(r.problem.key, r.problem.vars);
  return r;
}
