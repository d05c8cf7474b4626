/**
 * `/audit [M<n>|@某人] [条数]`: the latest audit entries (who did or viewed what, when), newest
 * first, optionally of one person. Admins only; reading the log is itself audited. Entries are
 * only ever created (src/bot/roster.ts writeAudit): nothing updates or deletes them.
 */
import { argInput } from '../../../bot/args.ts';
import { command, type Context } from '../../../bot/feature.ts';
import { resolvePerson, shortLabel } from '../../../bot/people.ts';
import { formatStamp } from '../../../bot/time.ts';

/** Entries shown when no count is given, and the most one /audit shows. */
export const AUDIT_DEFAULT = 10;
export const AUDIT_MAX = 30;

const auditArgs = argInput.transform((a) => {
  const tokens = [...a.tokens];
  const last = tokens[tokens.length - 1];
  const count = last && /^\d{1,3}$/.test(last) ? Math.min(AUDIT_MAX, Math.max(1, Number(tokens.pop()))) : AUDIT_DEFAULT;
  return { who: tokens.join(' ').trim().slice(0, 64), count };
});

async function showAudit(ctx: Context, { who, count }: { who: string; count: number }): Promise<void> {
  const person = who ? (await resolvePerson(ctx, who, null)).member : null;
  const rows = await ctx.db.auditLog.findMany({
    where: person ? { memberId: person.id } : {},
    orderBy: { id: 'desc' },
    take: count,
    include: { member: true },
  });
  await ctx.audit('audit.view', person ? `member ${person.id} (${rows.length})` : `all (${rows.length})`);
  const lines = [ctx.t(person ? 'members.audit.headerOf' : 'members.audit.header', { count: rows.length, who: person ? shortLabel(person) : '' })];
  for (const r of rows) {
    lines.push(ctx.t('members.audit.line', { at: formatStamp(r.createdAt, ctx.timeZone), who: r.member ? shortLabel(r.member) : ctx.t('members.audit.system'), action: r.action, detail: r.detail.slice(0, 120) }));
  }
  if (rows.length === 0) lines.push(ctx.t('members.audit.empty'));
  ctx.reply(lines.join('\n'));
}

/** The /audit command. */
export const auditCommand = command({
  name: 'audit',
  aliases: ['审计'],
  minRole: 'admin',
  summaryKey: 'members.audit.summary',
  usageKey: 'members.audit.usage',
  args: auditArgs,
  handler: showAudit,
});
