/** The arguments of `/settings`: nothing (show), or a toggle's name and 开|关 (change). */
import { z } from 'zod';
import { argInput } from '../../bot/args.ts';
import { switchWord } from './rules.ts';

/** `/settings` (show) or `/settings 名称 开|关` (change). */
export const settingsArgs = argInput.transform((a, ctx) => {
  if (a.tokens.length === 0) return { action: 'show' as const };
  const on = switchWord(a.tokens.at(-1)!.toLowerCase());
  const name = a.tokens.slice(0, -1).join('').toLowerCase();
  if (a.tokens.length < 2 || on === undefined) {
    ctx.addIssue({ code: 'custom', message: 'name and 开/关 expected' });
    return z.NEVER;
  }
  return { action: 'set' as const, name, on };
});

/** What `/settings` was asked. */
export type SettingsArgs = z.infer<typeof settingsArgs>;
