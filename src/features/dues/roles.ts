/** Who owes dues: the Party members of a unit (预备党员 too: 党章第八条), not residents. */
import type { Role } from '../../bot/types.ts';

/** The roles that pay dues. */
export function partyMemberRoles(): Role[] {
  return ['secretary', 'member', 'probationary'];
}
