/** The settings slice's messages. */
import type { Translate } from '../../bot/feature.ts';
import { SETTING_KEYS, type SettingKey } from './api.ts';

/** A toggle's name in the chat's language: `公开积分榜`. */
export function settingName(t: Translate, key: SettingKey): string {
  return t(`settings.name.${key}`);
}

/** `开` or `关`. */
export function settingValue(t: Translate, on: boolean): string {
  return t(on ? 'settings.value.on' : 'settings.value.off');
}

/** The unit's toggles, one a line (`公开积分榜：关`), under the unit's name and above the hint. */
export function settingsText(t: Translate, unit: string, settings: Readonly<Record<SettingKey, boolean>>): string {
  const lines = SETTING_KEYS.map((k) => t('settings.settings.line', { name: settingName(t, k), value: settingValue(t, settings[k]) }));
  return [t('settings.settings.header', { unit }), ...lines, t('settings.settings.hint')].join('\n');
}
