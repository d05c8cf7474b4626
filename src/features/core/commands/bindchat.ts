/** /bindchat: an admin ties a group chat to an org unit (created if new), optionally as its masses' chat. */
import { z } from 'zod';
import { argInput } from '../../../bot/args.ts';
import { command, UserError } from '../../../bot/feature.ts';
import { bindChat } from '../../../bot/roster.ts';

const bindchatArgs = argInput.transform((a, ctx) => {
  const tokens = [...a.tokens];
  let masses = false;
  if (tokens.length > 1 && /^(masses|群众)$/i.test(tokens[tokens.length - 1]!)) {
    masses = true;
    tokens.pop();
  }
  const name = tokens.join(' ').trim();
  if (!name || [...name].length > 40) {
    ctx.addIssue({ code: 'custom', message: 'unit name 1-40 characters' });
    return z.NEVER;
  }
  return { name, masses };
});

/** The /bindchat command. */
export const bindchatCommand = command({
  name: 'bindchat',
  aliases: ['绑定群'],
  minRole: 'admin',
  summaryKey: 'core.bindchat.summary',
  usageKey: 'core.bindchat.usage',
  args: bindchatArgs,
  outsiders: 'run',
  handler: async (ctx, { name, masses }) => {
    if (ctx.chat.ref.kind !== 'group') throw new UserError('core.bindchat.notGroup');
    const { unit, created } = await bindChat(ctx.db, ctx.chat.id, name, masses);
    await ctx.audit('bindchat', `chat ${ctx.chat.id} -> unit ${unit.id}${masses ? ' (masses)' : ''}`);
    ctx.reply(
      ctx.t(masses ? 'core.bindchat.doneMasses' : 'core.bindchat.done', {
        unit: unit.name,
        created: created ? ctx.t('core.bindchat.created') : '',
      }),
    );
  },
});
