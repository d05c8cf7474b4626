/**
 * `/settings` (设置): shows the unit's toggles as 开/关, or changes one (`/settings 名称 开|关`).
 * Only the unit's secretary (through the policy) and admins; a change is audited.
 */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { actingUnitIn, managesUnitIn } from '../../../bot/policy.ts';
import { unitName } from '../../../bot/roster.ts';
import { SETTING_KEYS } from '../api.ts';
import { settingsArgs, type SettingsArgs } from '../args.ts';
import { settingName, settingsText, settingValue } from '../render.ts';
import { settingNamed } from '../rules.ts';
import { setSetting, settingsOf } from '../store.ts';

async function settingsHandler(ctx: Context, args: SettingsArgs): Promise<void> {
  const unitId = await actingUnitIn(ctx.db, ctx.member, ctx.unitId);
  if (unitId === null) throw new UserError('settings.error.noUnit');
  if (!(await managesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('settings.error.otherUnit');
  if (args.action === 'show') return ctx.reply(settingsText(ctx.t, (await unitName(ctx.db, unitId)) ?? '', await settingsOf(ctx.db, unitId)));
  const key = settingNamed(args.name);
  if (!key) throw new UserError('settings.error.unknown', { names: SETTING_KEYS.map((k) => settingName(ctx.t, k)).join('、') });
  const changed = await setSetting(ctx.db, { unitId, key, on: args.on, byId: ctx.member.id, now: ctx.now() });
  if (changed) await ctx.audit('settings.set', `unit ${unitId} ${key} ${args.on ? 'on' : 'off'}`);
  const vars = { name: settingName(ctx.t, key), value: settingValue(ctx.t, args.on) };
  ctx.reply(ctx.t(changed ? 'settings.settings.changed' : 'settings.settings.unchanged', vars));
}

/** The /settings command. */
export const settingsCommand = command({
  name: 'settings',
  aliases: ['设置'],
  minRole: 'secretary',
  summaryKey: 'settings.settings.summary',
  usageKey: 'settings.settings.usage',
  args: settingsArgs,
  handler: settingsHandler,
});
