/**
 * `/review` forms, as tokens: `/review [年份]` (open), `/review #N` (progress), `/review #N 自评`,
 * `/review #N 测评`, `/review #N 结束`, `/review #N 结果 @某人 合格`.
 */
import { argInput } from '../../bot/args.ts';
import type { Grade } from './store.ts';

/** What /review was asked. */
export type ReviewArgs =
  | { readonly kind: 'open'; readonly year?: string }
  | { readonly kind: 'status' | 'self' | 'rate' | 'close'; readonly id: number }
  | { readonly kind: 'decide'; readonly id: number; readonly person?: string; readonly grade?: Grade };

const ACTIONS: Readonly<Record<string, 'self' | 'rate' | 'close' | 'decide'>> = {
  自评: 'self', self: 'self',
  测评: 'rate', 开始测评: 'rate', rate: 'rate',
  结束: 'close', 关闭: 'close', close: 'close',
  结果: 'decide', 评定: 'decide', decide: 'decide',
};

/** Grade words in both languages (longest first where one contains another). */
const GRADE_WORDS: Readonly<Record<string, Grade>> = {
  优秀: 'excellent', excellent: 'excellent',
  合格: 'qualified', qualified: 'qualified',
  基本合格: 'basic', basic: 'basic',
  不合格: 'unqualified', unqualified: 'unqualified',
};

/** Reads a grade word, or undefined. */
export function gradeWord(token: string | undefined): Grade | undefined {
  return token === undefined ? undefined : GRADE_WORDS[token.toLowerCase()];
}

/** The arguments of /review (an unknown action is a usage error). */
export const reviewArgs = argInput.transform((a, ctx): ReviewArgs => {
  const [head, action, ...rest] = a.tokens;
  const m = head === undefined ? null : /^#?(\d{1,9})$/.exec(head);
  if (head === undefined || (m && head.length === 4 && !head.startsWith('#'))) return { kind: 'open', year: head };
  if (!m || !head.startsWith('#')) return { kind: 'open', year: head };
  const id = Number(m[1]);
  if (action === undefined) return { kind: 'status', id };
  const kind = ACTIONS[action.toLowerCase()];
  if (!kind) {
    ctx.addIssue({ code: 'custom', message: 'unknown action' });
    return { kind: 'status', id };
  }
  if (kind !== 'decide') return { kind, id };
  const gradeAt = rest.findIndex((t) => gradeWord(t) !== undefined);
  const grade = gradeAt >= 0 ? gradeWord(rest[gradeAt]) : undefined;
  const person = rest.filter((_, i) => i !== gradeAt)[0];
  return { kind, id, person, grade };
});
