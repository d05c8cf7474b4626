/** The person a `/move` or `/remove` names. */
import { UserError, type Context } from '../../bot/feature.ts';
import { targetPerson, type ResolvedPerson } from '../../bot/people.ts';

/** The person named (looked up in every unit: the policy then says whether the speaker manages theirs). */
export async function namedPerson(ctx: Context, who: string): Promise<ResolvedPerson> {
  const found = await targetPerson(ctx, who || undefined, null);
  if (!found) throw new UserError('members.move.noPerson');
  return found;
}
