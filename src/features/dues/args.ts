/** `/dues` forms: `/dues` (your months), `/dues paid @x 月份…`, `/dues import [月份]` with a CSV. */
import { z } from 'zod';
import { argInput } from '../../bot/args.ts';

const PAID_WORDS = new Set(['paid', '已交', '交', '登记', '记']);
const IMPORT_WORDS = new Set(['import', '导入']);

/** What /dues was asked. */
export type DuesArgs =
  | { readonly kind: 'mine' }
  | { readonly kind: 'paid'; readonly person?: string; readonly months: string }
  | { readonly kind: 'import'; readonly month?: string; readonly csv?: string };

/** The arguments of /dues. */
export const duesArgs = argInput.transform((a, ctx): DuesArgs => {
  const [first, ...rest] = a.tokens;
  if (first === undefined) return { kind: 'mine' };
  if (IMPORT_WORDS.has(first.toLowerCase())) {
    const lines = a.raw.split(/\r?\n/);
    const head = lines[0]!.trim().split(/\s+/u);
    const csv = lines.slice(1).join('\n').trim();
    return { kind: 'import', month: head[1], ...(csv ? { csv } : {}) };
  }
  if (!PAID_WORDS.has(first.toLowerCase()) || rest.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'paid @someone YYYY-MM' });
    return z.NEVER;
  }
  const personFirst = /^(?:[Mm]\d{1,9}|[@＠]\S+)$/.test(rest[0]!);
  return { kind: 'paid', person: personFirst ? rest[0] : undefined, months: (personFirst ? rest.slice(1) : rest).join(' ') };
});

/** Which sub-command a parsed /dues is (undefined: `/dues`, your own months). */
export function duesSubcommand(a: DuesArgs): string | undefined {
  return a.kind === 'mine' ? undefined : a.kind;
}
