// The rule of a formal vote (条例第十一条), table-driven: members 9, 10, 11; turnout below, at and
// above half; 赞成 exactly half of those due; the 2/3 quorum of 四议两公开.
import { describe, expect, it } from 'vitest';
import { formalOutcome, parseQuorum, passNeeded, quorumNeeded, type FormalOutcome } from '../../../src/features/polls/formal/rules.ts';

const TWO_THIRDS = { num: 2, den: 3 };

/** due, attended, in favour, quorum, expected outcome, why. */
const CASES: [number, number, number, { num: number; den: number } | undefined, FormalOutcome, string][] = [
  // 9 members with a vote: more than half = 5 must take part; 5 in favour pass.
  [9, 4, 4, undefined, 'invalid', '9: turnout 4, below half'],
  [9, 5, 5, undefined, 'passed', '9: turnout 5, just above half (4.5), 5 for'],
  [9, 5, 4, undefined, 'rejected', '9: 4 for is not more than half of 9 due'],
  [9, 9, 5, undefined, 'passed', '9: all attend, 5 for'],
  // 10: at half (5) is not more than half; 6 must take part; 赞成 5 = exactly half of due fails.
  [10, 5, 5, undefined, 'invalid', '10: turnout exactly half'],
  [10, 6, 5, undefined, 'rejected', '10: 5 for = exactly half of those due, not more'],
  [10, 6, 6, undefined, 'passed', '10: 6 for of 10 due'],
  [10, 10, 5, undefined, 'rejected', '10: half of those due, though all came: not passed'],
  // 11: 6 must take part and 6 must be in favour; 6 of 7 votes cast is not the test, 6 of 11 due is.
  [11, 5, 5, undefined, 'invalid', '11: turnout 5, below half (5.5)'],
  [11, 6, 6, undefined, 'passed', '11: turnout 6 above half, 6 for'],
  [11, 7, 5, undefined, 'rejected', '11: 5 for is most votes cast (5 of 7) but not more than half of 11 due'],
  // 2/3 quorum: at least two thirds of those with a vote.
  [9, 5, 5, TWO_THIRDS, 'invalid', '9 at 2/3: 5 is below 6'],
  [9, 6, 5, TWO_THIRDS, 'passed', '9 at 2/3: exactly two thirds (6) stands; 5 for of 9 due'],
  [10, 6, 6, TWO_THIRDS, 'invalid', '10 at 2/3: 6 is below 6.67'],
  [10, 7, 5, TWO_THIRDS, 'rejected', '10 at 2/3: 7 stands, 5 for = half, not more'],
  [10, 7, 6, TWO_THIRDS, 'passed', '10 at 2/3: 7 stands, 6 for'],
  [11, 8, 6, TWO_THIRDS, 'passed', '11 at 2/3: 8 ≥ 7.33, 6 for'],
  [11, 7, 7, TWO_THIRDS, 'invalid', '11 at 2/3: 7 < 7.33'],
  // Nobody with a vote: never valid.
  [0, 0, 0, undefined, 'invalid', 'no members with a vote'],
];

describe('formal vote rule (支部工作条例第十一条)', () => {
  it.each(CASES)('due %i, attended %i, for %i, quorum %o → %s (%s)', (due, attended, inFavour, q, outcome) => {
    expect(formalOutcome(due, attended, inFavour, q).outcome).toBe(outcome);
  });

  it('thresholds: more than half to take part and to pass, at least 2/3 with the 四议两公开 quorum', () => {
    expect([9, 10, 11].map((n) => quorumNeeded(n, { num: 1, den: 2 }))).toEqual([5, 6, 6]);
    expect([9, 10, 11].map((n) => quorumNeeded(n, TWO_THIRDS))).toEqual([6, 7, 8]);
    expect([9, 10, 11].map(passNeeded)).toEqual([5, 6, 6]);
    expect(formalOutcome(10, 7, 6, TWO_THIRDS)).toEqual({ due: 10, attended: 7, inFavour: 6, quorumNeeded: 7, passNeeded: 6, outcome: 'passed' });
  });

  it('reads the quorum: 2/3, full-width, Chinese; never below half or above all', () => {
    expect(parseQuorum('2/3')).toEqual(TWO_THIRDS);
    expect(parseQuorum('2／3')).toEqual(TWO_THIRDS);
    expect(parseQuorum('三分之二')).toEqual(TWO_THIRDS);
    expect(parseQuorum('1/2')).toEqual({ num: 1, den: 2 });
    for (const bad of ['1/3', '4/3', '0/2', '2/0', 'abc', '', '2/3/4']) expect(parseQuorum(bad)).toBeNull();
  });
});
