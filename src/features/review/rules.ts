/**
 * The review rules, pure: how the `/review` forms read (`/review [年份]`, `/review #N`, `#N 自评`,
 * `#N 测评`, `#N 结束`, `#N 结果 @某人 合格`), the grade words in both languages, and the longest
 * self-assessment kept. No database, no clock.
 */
import type { Grade } from './store.ts';

/** Longest self-assessment kept (characters). */
export const MAX_SELF_ASSESSMENT = 3000;

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

/** Grade words in both languages. */
const GRADE_WORDS: Readonly<Record<string, Grade>> = {
  优秀: 'excellent', excellent: 'excellent',
  合格: 'qualified', qualified: 'qualified',
  基本合格: 'basic', basic: 'basic',
  不合格: 'unqualified', unqualified: 'unqualified',
};

/** A word of `table` (any case; an object-prototype key such as `constructor` is none), or undefined. */
function wordOf<T>(table: Readonly<Record<string, T>>, token: string | undefined): T | undefined {
  const key = token?.toLowerCase();
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Reads a grade word, or undefined. */
export function gradeWord(token: string | undefined): Grade | undefined {
  return wordOf(GRADE_WORDS, token);
}

/**
 * Reads /review's words: no `#N` first is the open form (the year as typed, checked when opening);
 * `#N` alone the progress; `#N <action> …` an action. Null for an unknown action.
 */
export function readReviewArgs(tokens: readonly string[]): ReviewArgs | null {
  const [head, action, ...rest] = tokens;
  const m = head === undefined ? null : /^#?(\d{1,9})$/.exec(head);
  if (head === undefined || !m || !head.startsWith('#')) return { kind: 'open', year: head };
  const id = Number(m[1]);
  if (action === undefined) return { kind: 'status', id };
  const kind = wordOf(ACTIONS, action);
  if (!kind) return null;
  if (kind !== 'decide') return { kind, id };
  const gradeAt = rest.findIndex((t) => gradeWord(t) !== undefined);
  const grade = gradeAt >= 0 ? gradeWord(rest[gradeAt]) : undefined;
  const person = rest.filter((_, i) => i !== gradeAt)[0];
  return { kind, id, person, grade };
}
