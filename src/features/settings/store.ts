/** The settings slice's table: one row per unit and toggle that was ever set. */
import type { Tx } from '../../bot/feature.ts';
import { SETTING_KEYS, type SettingKey } from './api.ts';

/** Every toggle of a unit, off where never set. */
export async function settingsOf(db: Tx, unitId: number): Promise<Record<SettingKey, boolean>> {
  const rows = await db.unitSetting.findMany({ where: { unitId }, select: { key: true, on: true } });
  const out = Object.fromEntries(SETTING_KEYS.map((k) => [k, false])) as Record<SettingKey, boolean>;
  for (const r of rows) if ((SETTING_KEYS as readonly string[]).includes(r.key)) out[r.key as SettingKey] = r.on;
  return out;
}

/** Turns one toggle of a unit on or off; true when that changed it. */
export async function setSetting(db: Tx, change: { unitId: number; key: SettingKey; on: boolean; byId: number; now: Date }): Promise<boolean> {
  const where = { unitId_key: { unitId: change.unitId, key: change.key } };
  const before = await db.unitSetting.findUnique({ where, select: { on: true } });
  const data = { on: change.on, updatedById: change.byId, updatedAt: change.now };
  await db.unitSetting.upsert({ where, create: { unitId: change.unitId, key: change.key, ...data }, update: data });
  return (before?.on ?? false) !== change.on;
}
