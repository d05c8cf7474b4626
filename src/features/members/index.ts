/**
 * The members slice: `/members [单位]` lists a unit's people with the `M<n>` ids every command
 * that names someone accepts (a manager's read of the list is audited); `/audit` shows the log;
 * `/move`, `/remove`, `/roster import` and `/join` keep the roster (join codes: `join-codes.ts`;
 * the roster CSV: the pure `roster-csv.ts`).
 */
import type { Feature } from '../../bot/feature.ts';
import { auditCommand } from './commands/audit.ts';
import { joinCommand } from './commands/join.ts';
import { membersCommand } from './commands/members.ts';
import { moveCommand } from './commands/move.ts';
import { removeCommand } from './commands/remove.ts';
import { rosterCommand } from './commands/roster.ts';

/** Builds the members feature. */
export function membersFeature(): Feature {
  return {
    name: 'members',
    commands: [membersCommand, auditCommand, moveCommand, removeCommand, rosterCommand, joinCommand],
  };
}
