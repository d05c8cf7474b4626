// Display names as stored and matched: invisible, control and bidi characters go, length is bounded,
// and a copy of the bot's own name never picks a person.
import { describe, expect, it } from 'vitest';
import { DISPLAY_NAME_MAX, cleanDisplayName, foldPersonName, impersonatesBot } from '../../src/bot/names.ts';

describe('cleanDisplayName', () => {
  it('removes right-to-left overrides, isolates, zero-width and control characters', () => {
    expect(cleanDisplayName('\u202Eninp\u202C李\u200B四\u0007')).toBe('ninp李四');
    expect(cleanDisplayName('\u2066王\u2069\uFEFF五\u00AD')).toBe('王五');
    expect(cleanDisplayName('  张\u3000\u3000三  ')).toBe('张 三');
  });
  it('leaves nothing for a name of invisible characters only, and bounds the length', () => {
    expect(cleanDisplayName('\u200B\u200D\u3164\u2800')).toBe('');
    expect([...cleanDisplayName('党'.repeat(500))]).toHaveLength(DISPLAY_NAME_MAX);
    expect(cleanDisplayName('👨‍👩‍👧 一家')).toBe('👨👩👧 一家');
  });
});

describe('impersonatesBot', () => {
  it('catches the bot name with an @, full-width letters, case or hidden characters', () => {
    expect(impersonatesBot('@先锋', ['先锋'])).toBe(true);
    expect(impersonatesBot('先\u200B锋', ['先锋'])).toBe(true);
    expect(impersonatesBot('ＸＩＡＮＦＥＮＧ', ['Xianfeng'])).toBe(true);
    expect(impersonatesBot('先锋队', ['先锋'])).toBe(false);
    expect(foldPersonName('＠Li_Si')).toBe('li_si');
  });
});
