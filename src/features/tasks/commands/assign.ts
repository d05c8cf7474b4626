/**
 * `/assign @someone 包 单位名称[、单位名称…]` (包村) and `/assign @班子成员 包 @中层干部`: who answers
 * for which villages and which cadres. Admins only; the confirmation names everyone with their id.
 */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { findUnitByName } from '../../../bot/roster.ts';
import { assignArgs, type AssignArgs } from '../args.ts';
import { repliedPerson, resolvePerson, shortLabel as personLabel } from '../../../bot/people.ts';
import { setSupervisor, setUnitCadre } from '../store.ts';

async function handle(ctx: Context, args: AssignArgs): Promise<void> {
  const cadre = args.cadre ? (await resolvePerson(ctx, args.cadre, null)).member : await repliedPerson(ctx);
  if (!cadre) throw new UserError('tasks.error.noPerson', { who: args.cadre || '?' });
  const done: string[] = [];
  for (const name of args.units) {
    const unit = await findUnitByName(ctx.db, name);
    if (!unit) throw new UserError('tasks.error.noUnit', { unit: name });
    await setUnitCadre(ctx.db, unit.id, cadre.id, ctx.now());
    done.push(unit.name);
  }
  for (const token of args.people) {
    const person = (await resolvePerson(ctx, token, null)).member;
    if (person.id === cadre.id) throw new UserError('tasks.assign.self');
    await setSupervisor(ctx.db, person.id, cadre.id, ctx.now());
    done.push(personLabel(person));
  }
  await ctx.audit('tasks.assign', `M${cadre.id} answers for ${done.join(', ')}`);
  ctx.reply(ctx.t('tasks.assign.done', { cadre: personLabel(cadre), list: done.join('、') }));
}

/** The /assign command. */
export const assignCommand = command({
  name: 'assign',
  aliases: ['包村', '包联'],
  minRole: 'admin',
  summaryKey: 'tasks.assign.summary',
  usageKey: 'tasks.assign.usage',
  args: assignArgs,
  handler: handle,
});
