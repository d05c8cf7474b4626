/** `/suggest 内容`: anyone in a bound chat, masses included, leaves a suggestion for the unit. */
import { z } from 'zod';
import { argInput } from '../../../bot/args.ts';
import { command, UserError } from '../../../bot/feature.ts';
import { MAX_SUGGESTION } from '../rules.ts';
import { addSuggestion } from '../store.ts';

/** The suggestion as typed (its own punctuation kept). */
const suggestArgs = argInput.transform((a) => a.raw.trim()).pipe(z.string().min(1));

/** The /suggest command. */
export const suggestCommand = command({
  name: 'suggest',
  aliases: ['建议', '提建议'],
  minRole: 'masses',
  summaryKey: 'suggestions.suggest.summary',
  usageKey: 'suggestions.suggest.usage',
  args: suggestArgs,
  handler: async (ctx, text) => {
    if (ctx.unitId === null) throw new UserError('suggestions.error.notBound');
    if ([...text].length > MAX_SUGGESTION) throw new UserError('suggestions.suggest.tooLong', { max: MAX_SUGGESTION });
    const s = await addSuggestion(ctx.db, { unitId: ctx.unitId, memberId: ctx.member.id, chat: ctx.chat.ref, text, now: ctx.now() });
    ctx.reply(ctx.t('suggestions.suggest.done', { id: s.id }));
  },
});
