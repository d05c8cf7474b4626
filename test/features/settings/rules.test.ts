// How /settings reads its words (src/features/settings/rules.ts): toggle names in both locales, and 开/关.
import { describe, expect, it } from 'vitest';
import { settingNamed, switchWord } from '../../../src/features/settings/rules.ts';

describe('settings words', () => {
  it('names each toggle by its Chinese names and its English key word', () => {
    expect(['公开积分榜', '排行榜', 'leaderboard', '未打卡', '群提醒', 'group-reminders', '每日一题默认', 'daily-question'].map(settingNamed)).toEqual([
      'leaderboard', 'leaderboard', 'leaderboard', 'missingList', 'groupReminders', 'groupReminders', 'dailyQuestion', 'dailyQuestion',
    ]);
  });

  it('names no toggle for another word, a part of a name or an empty one', () => {
    expect(['积分', '提醒', '', 'daily', '公开积分榜 开'].map(settingNamed)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('reads 开/关 and on/off, and nothing else', () => {
    expect(['开', '开启', 'on', 'yes', '关', '关闭', 'off', 'no', '开关', 'maybe', ''].map(switchWord)).toEqual([
      true, true, true, true, false, false, false, false, undefined, undefined, undefined,
    ]);
  });
});
