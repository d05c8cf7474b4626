// The pure dues rules added to src/features/dues/rules.ts: who owes, and how far ahead a month may be recorded.
import { describe, expect, it } from 'vitest';
import { farAheadMonth, partyMemberRoles } from '../../../src/features/dues/rules.ts';

describe('dues rules', () => {
  it('has every Party member pay, 预备党员 too, and no resident or admin as such', () => {
    expect(partyMemberRoles().sort()).toEqual(['member', 'probationary', 'secretary']);
  });

  it('allows months up to a year ahead and finds the first beyond it', () => {
    expect(farAheadMonth(['2026-12', '2027-06', '2027-12'], '2026-12')).toBeUndefined();
    expect(farAheadMonth(['2026-12', '2028-01', '2062-11'], '2026-12')).toBe('2028-01');
    expect(farAheadMonth(['2062-11'], '2026-12')).toBe('2062-11');
  });

  it('counts the year across a year end', () => {
    expect(farAheadMonth(['2027-01'], '2026-01')).toBeUndefined();
    expect(farAheadMonth(['2027-02'], '2026-01')).toBe('2027-02');
  });

  it('never refuses past months', () => {
    expect(farAheadMonth(['2019-01', '2026-11'], '2026-12')).toBeUndefined();
  });
});
