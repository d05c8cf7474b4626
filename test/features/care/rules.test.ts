// Who counts as a 流动党员 when exempted (src/features/care/rules.ts).
import { describe, expect, it } from 'vitest';
import { isAway } from '../../../src/features/care/rules.ts';

describe('away (流动党员) exemptions', () => {
  it('is away when a contact is named, whatever the reason', () => {
    expect(isAway('年老体弱', true)).toBe(true);
  });

  it('is away without a contact when the reason says so, in Chinese or English', () => {
    expect(['外出务工', '在外地', '流动党员', 'Away for work', 'AWAY'].map((r) => isAway(r, false))).toEqual([true, true, true, true, true]);
  });

  it('is not away for illness or age alone', () => {
    expect(['患病住院', '年老体弱', '行动不便', ''].map((r) => isAway(r, false))).toEqual([false, false, false, false]);
  });
});
