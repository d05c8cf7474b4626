/**
 * The arguments of `/members`, `/move` and `/remove`, as tokens. `/move` and `/remove` take the
 * person first (`M12` or `@某人`; without one, the replied-to message names them).
 */
import { argInput } from '../../bot/args.ts';

/** A person token: `M12` or a mention. */
const PERSON = /^([Mm]\d{1,9}|[@＠]\S+)$/;

/** The leading person token of `tokens` ('' when the first token is none) and the words after it. */
function leadingPerson(tokens: readonly string[]): { who: string; rest: string } {
  const who = tokens[0] && PERSON.test(tokens[0]) ? tokens[0] : '';
  return { who, rest: tokens.slice(who ? 1 : 0).join(' ').trim() };
}

/** `/members [单位]`. */
export const membersArgs = argInput.transform((a) => ({ unit: a.text.trim().slice(0, 60) }));

/** `/move @某人 单位`: the unit is required. */
export const moveArgs = argInput
  .transform((a) => {
    const { who, rest } = leadingPerson(a.tokens);
    return { who, unit: rest.slice(0, 60) };
  })
  .refine((a) => a.unit.length > 0);

/** `/remove @某人 [理由]`. */
export const removeArgs = argInput.transform((a) => {
  const { who, rest } = leadingPerson(a.tokens);
  return { who, reason: rest.slice(0, 200) };
});
