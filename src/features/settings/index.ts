/**
 * The settings slice (`/settings`, 设置): a unit's "invite, do not force" choices
 * (../shared/notes/rules.md, 国办函〔2026〕12号). A public leaderboard (`/rank` in full), a public
 * list of who has not checked in (names in group reminders), reminders escalated into the group,
 * and the daily question for every member by default are each the unit's choice, all off at
 * first; reminders otherwise go privately. The unit's secretary (through the policy) and admins
 * change them; `/settings` alone shows them as 开/关. Other slices read them through `api.ts`.
 */
import type { Feature } from '../../bot/feature.ts';
import { settingsCommand } from './commands/settings.ts';

/** Builds the settings feature. */
export function settingsFeature(): Feature {
  return { name: 'settings', commands: [settingsCommand] };
}
