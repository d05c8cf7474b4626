/**
 * `/report [unit]` (spec: secretary+): one message for a unit over this calendar year, made of the
 * sections every feature contributes through `Feature.reportSections` (check-in rate, quiz
 * participation, poll turnout, attendance, the annual evaluation…), in feature order. The command
 * only chooses the unit and the period and checks who may see it; the content is the features'.
 */
import { z } from 'zod';
import { argInput } from '../../bot/args.ts';
import { command, UserError, type CommandSpec, type Context, type ReportScope } from '../../bot/feature.ts';
import type { CommandRegistry } from '../../bot/registry.ts';
import { findUnitByName, listUnits } from '../../bot/roster.ts';
import { formatLocal, localParts, startOfYear } from '../../bot/time.ts';

const reportArgs = argInput.transform((a, ctx) => {
  const unit = a.text.trim();
  if ([...unit].length > 40) {
    ctx.addIssue({ code: 'custom', message: 'unit name 1-40 characters' });
    return z.NEVER;
  }
  return { unit };
});

/** The unit the report is about, checked: admins see any unit, secretaries their own and its branches. */
async function reportUnit(ctx: Context, name: string): Promise<{ id: number; name: string; kind: string }> {
  const units = await listUnits(ctx.db);
  let unit: { id: number; name: string; kind: string; parentId?: number | null } | undefined;
  if (name) {
    const found = await findUnitByName(ctx.db, name);
    if (!found) throw new UserError('core.report.notFound', { name });
    unit = units.find((u) => u.id === found.id);
  } else {
    if (ctx.unitId === null) throw new UserError('core.report.noUnit');
    unit = units.find((u) => u.id === ctx.unitId);
  }
  if (!unit) throw new UserError('core.report.noUnit');
  const own = ctx.member.unitId;
  const allowed = ctx.member.role === 'admin' || (own !== null && (unit.id === own || unit.parentId === own));
  if (!allowed) throw new UserError('core.report.otherUnit', { name: unit.name });
  return { id: unit.id, name: unit.name, kind: unit.kind };
}

/** Builds the /report command; `registry` is read lazily to reach every feature's sections. */
export function reportCommand(registry: () => CommandRegistry): CommandSpec<unknown> {
  return command({
    name: 'report',
    aliases: ['报告'],
    roles: ['admin', 'secretary'],
    summaryKey: 'core.report.summary',
    usageKey: 'core.report.usage',
    args: reportArgs,
    handler: async (ctx, { unit: name }) => {
      const unit = await reportUnit(ctx, name);
      const now = ctx.now();
      const scope: ReportScope = { unitId: unit.id, unitName: unit.name, unitKind: unit.kind, from: startOfYear(now, ctx.timeZone), to: now };
      const lines = [ctx.t('core.report.header', { unit: unit.name, year: localParts(now, ctx.timeZone).year, date: formatLocal(now, ctx.timeZone) })];
      let sections = 0;
      for (const f of registry().features) {
        if (!f.reportSections) continue;
        for (const s of await f.reportSections(ctx, scope)) {
          lines.push('', ctx.t('core.report.sectionTitle', { title: s.title }), ...s.lines);
          sections++;
        }
      }
      if (sections === 0) lines.push(ctx.t('core.report.empty'));
      ctx.reply(lines.join('\n'));
    },
  });
}
