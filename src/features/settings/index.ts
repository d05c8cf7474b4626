/**
 * The settings slice (`/settings`, 设置): a unit's "invite, do not force" choices
 * (../shared/notes/rules.md, 国办函〔2026〕12号). A public leaderboard (`/rank` in full), a public
 * list of who has not checked in (names in group reminders), and reminders escalated into the
 * group, and the daily question for every member by default are each the unit's choice, all off at first; reminders otherwise go privately. The unit's
 * secretary (through the policy) and admins change them; `/settings` alone shows them as 开/关.
 */
import { z } from 'zod';
import { argInput } from '../../bot/args.ts';
import { command, UserError, type Context, type Feature } from '../../bot/feature.ts';
import { actingUnitIn, managesUnitIn } from '../../bot/policy.ts';
import { unitName } from '../../bot/roster.ts';
import { SETTING_KEYS, type SettingKey } from './api.ts';
import { setSetting, settingsOf } from './store.ts';

/** The words that name each toggle (the Chinese name first: it is what replies show). */
const NAMES: Readonly<Record<SettingKey, readonly string[]>> = {
  leaderboard: ['公开积分榜', '积分榜', '排行榜', 'leaderboard'],
  missingList: ['公开未打卡名单', '未打卡名单', '未打卡', 'missing'],
  groupReminders: ['群内提醒', '群里提醒', '群提醒', 'group-reminders'],
  dailyQuestion: ['每日一题', '每日一题默认', 'daily-question'],
};
const ON = new Set(['开', '打开', '开启', '是', 'on', 'yes']);
const OFF = new Set(['关', '关闭', '否', 'off', 'no']);

/** `/settings` (show) or `/settings 名称 开|关` (change). */
const settingsArgs = argInput.transform((a, ctx) => {
  if (a.tokens.length === 0) return { action: 'show' as const };
  const value = a.tokens.at(-1)!.toLowerCase();
  const name = a.tokens.slice(0, -1).join('').toLowerCase();
  if (a.tokens.length < 2 || (!ON.has(value) && !OFF.has(value))) {
    ctx.addIssue({ code: 'custom', message: 'name and 开/关 expected' });
    return z.NEVER;
  }
  return { action: 'set' as const, name, on: ON.has(value) };
});

/** The toggle a word names, if any. */
function keyOf(word: string): SettingKey | undefined {
  return SETTING_KEYS.find((k) => NAMES[k].some((n) => n.toLowerCase() === word));
}

/** The unit's toggles as lines: `公开积分榜：关`. */
async function showSettings(ctx: Context, unitId: number): Promise<string> {
  const settings = await settingsOf(ctx.db, unitId);
  const lines = SETTING_KEYS.map((k) => ctx.t('settings.settings.line', { name: ctx.t(`settings.name.${k}`), value: ctx.t(settings[k] ? 'settings.value.on' : 'settings.value.off') }));
  return [ctx.t('settings.settings.header', { unit: (await unitName(ctx.db, unitId)) ?? '' }), ...lines, ctx.t('settings.settings.hint')].join('\n');
}

async function settingsHandler(ctx: Context, args: z.infer<typeof settingsArgs>): Promise<void> {
  const unitId = await actingUnitIn(ctx.db, ctx.member, ctx.unitId);
  if (unitId === null) throw new UserError('settings.error.noUnit');
  if (!(await managesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('settings.error.otherUnit');
  if (args.action === 'show') return ctx.reply(await showSettings(ctx, unitId));
  const key = keyOf(args.name);
  if (!key) throw new UserError('settings.error.unknown', { names: SETTING_KEYS.map((k) => ctx.t(`settings.name.${k}`)).join('、') });
  const changed = await setSetting(ctx.db, { unitId, key, on: args.on, byId: ctx.member.id, now: ctx.now() });
  if (changed) await ctx.audit('settings.set', `unit ${unitId} ${key} ${args.on ? 'on' : 'off'}`);
  const vars = { name: ctx.t(`settings.name.${key}`), value: ctx.t(args.on ? 'settings.value.on' : 'settings.value.off') };
  ctx.reply(ctx.t(changed ? 'settings.settings.changed' : 'settings.settings.unchanged', vars));
}

/** Builds the settings feature. */
export function settingsFeature(): Feature {
  return {
    name: 'settings',
    commands: [
      command({
        name: 'settings',
        aliases: ['设置'],
        minRole: 'secretary',
        summaryKey: 'settings.settings.summary',
        usageKey: 'settings.settings.usage',
        args: settingsArgs,
        handler: settingsHandler,
      }),
    ],
  };
}
