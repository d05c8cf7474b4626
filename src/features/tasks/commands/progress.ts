/**
 * `/progress #N 说明 [+K%|完成]` (进展): the owner of task #N in a unit, or that unit's secretary (or
 * an admin), reports progress; photos and files sent with it (or within 10 minutes before) are
 * stored as evidence with their SHA-256 (records/evidence.ts).
 * The unit is the sender's own assignment, else the one of this chat's unit.
 */
import { hasRole, PARTY_MEMBER } from '../../../bot/policy.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { progressArgs, type ProgressArgs } from '../args.ts';
import { chatKeyOf, evidenceOf, storeEvidenceAfterCommit } from '../../records/api.ts';
import { assignmentsOfTask, recordProgress, setProgressEvidence, type Assignment } from '../store.ts';

/** The assignment of task #N this sender may report on, or a refusal naming why. */
function pick(ctx: Context, id: number, all: readonly Assignment[]): Assignment {
  if (all.length === 0) throw new UserError('tasks.error.noTask', { id });
  const mine = all.find((a) => a.ownerId === ctx.member.id);
  if (mine) return mine;
  const unitId = hasRole(ctx.member, 'admin') ? ctx.unitId : ctx.member.unitId;
  const ofUnit = all.find((a) => a.unitId === unitId);
  if (ofUnit && hasRole(ctx.member, 'secretary')) return ofUnit;
  throw new UserError('tasks.progress.notYours', { id });
}

async function handle(ctx: Context, args: ProgressArgs, dataDir: string): Promise<void> {
  const a = pick(ctx, args.id, await assignmentsOfTask(ctx.db, args.id));
  if (a.status === 'done' && !args.done && args.add === undefined && !args.note) throw new UserError('tasks.progress.alreadyDone', { id: args.id });
  const percent = args.done ? 100 : Math.min(100, a.percent + (args.add ?? 0));
  // Photos and files sent with it or by the sender in this chat within 10 minutes before.
  const evidence = await evidenceOf(ctx);
  const updated = await recordProgress(ctx.db, a, { memberId: ctx.member.id, note: args.note || ctx.t('tasks.progress.doneNote'), percent, evidence, now: ctx.now(), chatKey: chatKeyOf(ctx) });
  storeEvidenceAfterCommit(ctx, dataDir, a.unitId, evidence, (db, stored) => setProgressEvidence(db, updated.progressId, stored));
  await ctx.audit('tasks.progress', `task ${a.taskId} unit ${a.unitId} ${a.percent}% -> ${percent}%`);
  const key = updated.status === 'done' ? 'tasks.progress.finished' : 'tasks.progress.recorded';
  ctx.reply(ctx.t(key, { id: a.taskId, percent, evidence: evidence.length ? ctx.t('tasks.progress.evidence', { count: evidence.length }) : '' }).trim());
}

/** The /progress command; evidence is stored under `dataDir` (BOT_DATA_DIR). */
export const progressCommand = (dataDir: string) => command({
  name: 'progress',
  aliases: ['进展', '进度'],
  minRole: PARTY_MEMBER,
  summaryKey: 'tasks.progress.summary',
  usageKey: 'tasks.progress.usage',
  args: progressArgs,
  handler: (ctx, args) => handle(ctx, args, dataDir),
});
