/**
 * Zod building blocks for command arguments. Every command's `args` schema reads an `ArgInput`
 * (the normalised text after the command name) and yields typed values; a failure becomes the
 * command's usage reply.
 */
import { z } from 'zod';
import type { ArgInput } from './feature.ts';

/**
 * A leading id (`#3`) or step (`+1`, `+三`) glued to what follows by a separator (`#1,+1,看望` from
 * the Chinese `#1，+1，看望`).
 */
const GLUED_HEAD = /^(#\d{1,9}|\+[\d零〇一二两三四五六七八九十百千万]{1,12})[,:;]+(.*)$/u;

/**
 * Splits the normalised argument text into tokens: on spaces and line breaks, and after an id or a
 * step followed by a separator, so `/vote #1，1` and `#打卡：#1，+1，看望王奶奶` read like their
 * spaced forms (Chinese punctuation is accepted everywhere an ASCII form is).
 */
export function argTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.split(/[ \n]+/)) {
    let rest = word;
    for (let m = GLUED_HEAD.exec(rest); m !== null; m = GLUED_HEAD.exec(rest)) {
      tokens.push(m[1]!);
      rest = m[2]!;
    }
    if (rest !== '') tokens.push(rest);
  }
  return tokens;
}

/** The raw shape every argument schema starts from. */
export const argInput = z.object({ text: z.string(), tokens: z.array(z.string()), raw: z.string() });

/** No arguments (anything after the name is ignored, e.g. `/whoami 谢谢`). */
export const noArgs = argInput.transform(() => ({}));

/** An id written `N` or `#N` (N a positive integer). */
export const idToken = z
  .string()
  .regex(/^#?\d{1,9}$/, 'an id is N or #N')
  .transform((s) => Number(s.replace('#', '')))
  .refine((n) => n > 0, 'ids start at 1');

/** Parses `#N` at the start of the arguments and leaves the rest. */
export function leadingId<T>(rest: z.ZodType<T, ArgInput>) {
  return argInput.transform((a, ctx) => {
    const [first, ...others] = a.tokens;
    const id = idToken.safeParse(first ?? '');
    if (!id.success) {
      ctx.addIssue({ code: 'custom', message: 'id expected' });
      return z.NEVER;
    }
    const restText = others.join(' ');
    const restInput: ArgInput = { text: restText, tokens: others, raw: a.raw.replace(/^\S+\s*/, '') };
    const r = rest.safeParse(restInput);
    if (!r.success) {
      ctx.addIssue({ code: 'custom', message: r.error.issues[0]?.message ?? 'bad arguments' });
      return z.NEVER;
    }
    return { id: id.data, rest: r.data };
  });
}

/** Splits an argument text on `|` (full-width ｜ is normalised before), trimming each part. */
export function pipeParts(text: string): string[] {
  return text.split('|').map((p) => p.trim());
}
