/**
 * `/exempt` (免): a secretary exempts an elderly, ill or away member of a unit they manage from
 * reminders and from rates (条例第二十三条), with a reason and perhaps a last day; a 流动党员's
 * named contact (第三十三条) gets their notices' digest. `/exempt` lists who is exempt, shown as
 * 免; `/exempt 结束 @x` ends it.
 */
import { command, UsageError, UserError, type CommandSpec, type Context, type MemberInfo } from '../../../bot/feature.ts';
import { personLabel, resolvePerson, shortLabel, targetPerson } from '../../../bot/people.ts';
import { actingUnitIn, belongsTo, managesUnitIn } from '../../../bot/policy.ts';
import { membersByIds, unitName } from '../../../bot/roster.ts';
import { localDateKey, parseLocalDate } from '../../../bot/time.ts';
import { exemptArgs, type ExemptArgs } from '../args.ts';
import { createExemption, endExemptions, exemptionsInForce } from '../store.ts';
import { isAway } from '../rules.ts';

/** The unit /exempt acts for, refusing when the speaker manages none here. */
async function unitFor(ctx: Context): Promise<number> {
  const unitId = await actingUnitIn(ctx.db, ctx.member, ctx.chat.unitId);
  if (unitId === null || !(await managesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('care.exempt.notManager');
  return unitId;
}

/** The member named (or replied to), of the unit. */
async function memberNamed(ctx: Context, token: string | undefined, unitId: number): Promise<MemberInfo> {
  const found = await targetPerson(ctx, token, unitId);
  if (!found) throw new UsageError('care.exempt.whom');
  return found.member;
}

/** The last day typed after 至, or null; refuses an unreadable or past day. */
function untilDay(ctx: Context, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const day = parseLocalDate(raw, ctx.now(), ctx.timeZone);
  if (!day) throw new UserError('care.exempt.badDate', { value: raw.slice(0, 20) });
  if (day < localDateKey(ctx.now(), ctx.timeZone)) throw new UserError('care.exempt.pastDate', { day });
  return day;
}

/** Records an exemption and tells the contact privately that the digest will come to them. */
async function setExemption(ctx: Context, unitId: number, a: Extract<ExemptArgs, { kind: 'set' }>): Promise<void> {
  const member = await memberNamed(ctx, a.person, unitId);
  const contact = a.contact ? (await resolvePerson(ctx, a.contact, null)).member : null;
  if (contact && contact.id === member.id) throw new UserError('care.exempt.selfContact');
  const day = untilDay(ctx, a.until);
  const away = isAway(a.reason, contact !== null);
  await createExemption(ctx.db, { memberId: member.id, unitId, reason: a.reason, away, contactId: contact?.id ?? null, untilDay: day, createdById: ctx.member.id, createdAt: ctx.now() });
  await ctx.audit('care.exempt', `M${member.id}${contact ? ` contact M${contact.id}` : ''}${day ? ` until ${day}` : ''}`);
  const who = await personLabel(ctx, member);
  const lines = [ctx.t(day ? 'care.exempt.doneUntil' : 'care.exempt.done', { who, reason: a.reason, day: day ?? '' })];
  if (contact) lines.push(ctx.t('care.exempt.contact', { contact: shortLabel(contact) }));
  else if (away) lines.push(ctx.t('care.exempt.noContact'));
  ctx.reply(lines.join('\n'));
}

/** Ends a member's exemption. */
async function endExemption(ctx: Context, unitId: number, person: string | undefined): Promise<void> {
  const member = await memberNamed(ctx, person, unitId);
  const ended = await endExemptions(ctx.db, member.id, ctx.now());
  const who = await personLabel(ctx, member);
  if (ended === 0) throw new UserError('care.exempt.notExempt', { who });
  await ctx.audit('care.exempt.end', `M${member.id}`);
  ctx.reply(ctx.t('care.exempt.ended', { who }));
}

/** Lists the unit's exempt members, each marked 免. */
async function listExemptions(ctx: Context, unitId: number): Promise<void> {
  const found = await exemptionsInForce(ctx.db, { unitId }, ctx.now(), localDateKey(ctx.now(), ctx.timeZone));
  const people = await membersByIds(ctx.db, [...found.keys(), ...[...found.values()].flatMap((e) => (e.contactId ? [e.contactId] : []))]);
  const unit = (await unitName(ctx.db, unitId)) ?? '';
  if (found.size === 0) return ctx.reply(ctx.t('care.list.none', { unit }));
  const lines = [ctx.t('care.list.header', { unit, count: found.size })];
  for (const e of found.values()) {
    const m = people.get(e.memberId);
    if (!m || !belongsTo(m, unitId)) continue;
    const contact = e.contactId ? people.get(e.contactId) : undefined;
    lines.push(ctx.t('care.list.line', { who: shortLabel(m), reason: e.reason, until: e.untilDay ?? ctx.t('care.list.open'), contact: contact ? ctx.t('care.list.contact', { contact: shortLabel(contact) }) : '' }));
  }
  ctx.reply(lines.join('\n'));
}

/** The /exempt command. */
export const exemptCommand: CommandSpec = command({
  name: 'exempt',
  aliases: ['免', '免于'],
  minRole: 'secretary',
  summaryKey: 'care.exempt.summary',
  usageKey: 'care.exempt.usage',
  args: exemptArgs,
  handler: async (ctx, a) => {
    const unitId = await unitFor(ctx);
    if (a.kind === 'list') return listExemptions(ctx, unitId);
    if (a.kind === 'end') return endExemption(ctx, unitId, a.person);
    return setExemption(ctx, unitId, a);
  },
});
