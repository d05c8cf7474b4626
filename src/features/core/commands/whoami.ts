/** /whoami: the speaker's name, role and unit, and each feature's profile lines. */
import { noArgs } from '../../../bot/args.ts';
import { command } from '../../../bot/feature.ts';
import type { CommandRegistry } from '../../../bot/registry.ts';
import { unitName } from '../../../bot/roster.ts';

/** The /whoami command; `registry` gives the features whose `profileLines` it adds. */
export function whoamiCommand(registry: () => CommandRegistry) {
  return command({
    name: 'whoami',
    aliases: ['我', '我是谁'],
    minRole: 'masses',
    summaryKey: 'core.whoami.summary',
    usageKey: 'core.whoami.usage',
    args: noArgs,
    handler: async (ctx) => {
      const unit = await unitName(ctx.db, ctx.member.unitId);
      const lines = [
        ctx.t('core.whoami.line', {
          name: ctx.member.name,
          role: ctx.t(`core.role.${ctx.member.role}`),
          unit: unit ?? ctx.t('core.whoami.noUnit'),
        }),
      ];
      for (const f of registry().features) if (f.profileLines) lines.push(...(await f.profileLines(ctx)));
      ctx.reply(lines.join('\n'));
    },
  });
}
