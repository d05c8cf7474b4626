/**
 * `/exempt` forms, as tokens: `/exempt` (the list), `/exempt 结束 @x` (ends it),
 * `/exempt @x 理由… [至YYYY-MM-DD] [联系人 @y]`. The date and the contact may stand anywhere after
 * the person; what is left is the reason.
 */
import { z } from 'zod';
import { argInput } from '../../bot/args.ts';
import { isPersonToken } from '../../bot/people.ts';

/** Words that end an exemption. */
const END_WORDS = new Set(['结束', '取消', '恢复', 'end', 'stop']);
/** Words that introduce the contact of a 流动党员. */
const CONTACT_WORDS = new Set(['联系人', 'contact']);
/** `至2026-12-31`, `至 2026-12-31`, `到2026-12-31`, `until 2026-12-31`. */
const UNTIL = /^(?:至|到|截至|until)(.*)$/i;

/** What /exempt was asked. */
export type ExemptArgs =
  | { readonly kind: 'list' }
  | { readonly kind: 'end'; readonly person?: string }
  | { readonly kind: 'set'; readonly person?: string; readonly reason: string; readonly until?: string; readonly contact?: string };

/** Takes `至…` (with the date glued or next) out of `rest`; the raw date text, or undefined. */
function takeUntil(rest: string[]): string | undefined | null {
  const i = rest.findIndex((t) => UNTIL.test(t));
  if (i < 0) return undefined;
  const glued = UNTIL.exec(rest[i]!)![1]!;
  const value = glued !== '' ? glued : rest[i + 1];
  rest.splice(i, glued !== '' ? 1 : 2);
  return value ?? null;
}

/** Takes `联系人 @y` out of `rest`; the contact token, undefined, or null when it is missing. */
function takeContact(rest: string[]): string | undefined | null {
  const i = rest.findIndex((t) => CONTACT_WORDS.has(t.toLowerCase()));
  if (i < 0) return undefined;
  const value = rest[i + 1];
  rest.splice(i, 2);
  return value ?? null;
}

/** The arguments of /exempt. */
export const exemptArgs = argInput.transform((a, ctx): ExemptArgs => {
  const tokens = [...a.tokens];
  if (tokens.length === 0) return { kind: 'list' };
  if (END_WORDS.has(tokens[0]!.toLowerCase())) return { kind: 'end', person: tokens[1] };
  const person = isPersonToken(tokens[0]!) ? tokens.shift() : undefined;
  const until = takeUntil(tokens);
  const contact = takeContact(tokens);
  if (until === null || contact === null) {
    ctx.addIssue({ code: 'custom', message: until === null ? '至 needs a date' : '联系人 needs a person' });
    return z.NEVER;
  }
  const reason = tokens.join(' ').trim();
  if (!reason) {
    ctx.addIssue({ code: 'custom', message: 'a reason' });
    return z.NEVER;
  }
  return { kind: 'set', person, reason: reason.slice(0, 100), until, contact };
});
