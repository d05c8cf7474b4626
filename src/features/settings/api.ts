/**
 * What other slices may use of the settings slice: a unit's "invite, do not force" toggles. All
 * are off until the unit's secretary (or an admin) turns them on with `/settings`.
 */
import type { Tx } from '../../bot/feature.ts';

/**
 * The toggles: a public leaderboard, a public list of who has not checked in, reminders escalated
 * into the group, and the daily question by default (each Party member of the unit receives it
 * unless they turned it off, instead of only those who turned it on).
 */
export const SETTING_KEYS = ['leaderboard', 'missingList', 'groupReminders', 'dailyQuestion'] as const;

/** One toggle. */
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Whether `key` is on for a unit (off when never set, or when there is no unit). */
export async function settingOn(db: Tx, unitId: number | null, key: SettingKey): Promise<boolean> {
  if (unitId === null) return false;
  const row = await db.unitSetting.findUnique({ where: { unitId_key: { unitId, key } }, select: { on: true } });
  return row?.on ?? false;
}

/** Every unit for which `key` is on (one query). */
export async function unitsWithSettingOn(db: Tx, key: SettingKey): Promise<Set<number>> {
  const rows = await db.unitSetting.findMany({ where: { key, on: true }, select: { unitId: true } });
  return new Set(rows.map((r) => r.unitId));
}

/** The units among `unitIds` for which `key` is on (one query, for daily jobs over many units). */
export async function unitsWithSetting(db: Tx, unitIds: readonly number[], key: SettingKey): Promise<Set<number>> {
  const rows = await db.unitSetting.findMany({ where: { unitId: { in: [...unitIds] }, key, on: true }, select: { unitId: true } });
  return new Set(rows.map((r) => r.unitId));
}
