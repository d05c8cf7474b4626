/** Why someone of the unit may not vote in a formal vote: 预备党员 and the masses have no vote. */
import { UserError, type MemberInfo } from '../../../bot/feature.ts';
import { belongsTo, hasAnyRole } from '../../../bot/policy.ts';
import type { Poll } from '../store.ts';

/** The refusal with its reason for a unit's probationary member or resident, else null (the generic refusal applies). */
export function formalRefusal(poll: Pick<Poll, 'id' | 'audience' | 'unitId'>, member: Pick<MemberInfo, 'role' | 'unitId'>): UserError | null {
  if (poll.audience !== 'formal' || !belongsTo(member, poll.unitId)) return null;
  if (hasAnyRole(member, ['probationary'])) return new UserError('polls.formal.probationaryNoVote', { id: poll.id });
  if (hasAnyRole(member, ['masses'])) return new UserError('polls.formal.massesNoVote', { id: poll.id });
  return null;
}
