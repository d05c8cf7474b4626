/**
 * How `/settings` reads its words, as plain functions: which toggle a word names (in either
 * locale), and which words switch it on or off.
 */
import { SETTING_KEYS, type SettingKey } from './api.ts';

/** The words that name each toggle (the Chinese name first: it is what replies show). */
const NAMES: Readonly<Record<SettingKey, readonly string[]>> = {
  leaderboard: ['公开积分榜', '积分榜', '排行榜', 'leaderboard'],
  missingList: ['公开未打卡名单', '未打卡名单', '未打卡', 'missing'],
  groupReminders: ['群内提醒', '群里提醒', '群提醒', 'group-reminders'],
  dailyQuestion: ['每日一题', '每日一题默认', 'daily-question'],
};
const ON = new Set(['开', '打开', '开启', '是', 'on', 'yes']);
const OFF = new Set(['关', '关闭', '否', 'off', 'no']);

/** The toggle a word names (already lower-cased), if any. */
export function settingNamed(word: string): SettingKey | undefined {
  return SETTING_KEYS.find((k) => NAMES[k].some((n) => n.toLowerCase() === word));
}

/** True for a word that switches on, false for one that switches off, undefined for any other (already lower-cased). */
export function switchWord(word: string): boolean | undefined {
  return ON.has(word) ? true : OFF.has(word) ? false : undefined;
}
