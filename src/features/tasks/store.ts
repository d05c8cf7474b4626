/**
 * The tasks slice's database functions: the responsibility chain, tasks and their assignments,
 * progress reports, escalations (each sent once) and weekly reports. Callers check permissions.
 */
import type { Tx } from '../../bot/feature.ts';
import type { Db } from '../../db/client.ts';
import { mergeStored, type MinutesAttachment } from '../records/api.ts';

/** One assignment of a task, as the slice uses it. */
export interface Assignment {
  readonly id: number;
  readonly taskId: number;
  readonly title: string;
  readonly dueDate: string | null;
  readonly unitId: number;
  readonly ownerId: number;
  readonly percent: number;
  readonly status: 'open' | 'done';
  readonly doneAt: Date | null;
  readonly lastProgressAt: Date;
  readonly createdAt: Date;
}

type AssignmentRow = { id: number; taskId: number; unitId: number; ownerId: number; percent: number; status: string; doneAt: Date | null; lastProgressAt: Date; task: { title: string; dueDate: string | null; createdAt: Date } };

function toAssignment(r: AssignmentRow): Assignment {
  return { id: r.id, taskId: r.taskId, title: r.task.title, dueDate: r.task.dueDate, unitId: r.unitId, ownerId: r.ownerId, percent: r.percent, status: r.status === 'done' ? 'done' : 'open', doneAt: r.doneAt, lastProgressAt: r.lastProgressAt, createdAt: r.task.createdAt };
}

const withTask = { task: { select: { title: true, dueDate: true, createdAt: true } } } as const;

/** Makes `cadreId` the 包村 cadre of `unitId` (replacing the previous one). */
export async function setUnitCadre(db: Tx, unitId: number, cadreId: number, now: Date): Promise<void> {
  await db.responsibility.upsert({ where: { unitId }, create: { kind: 'unit', unitId, cadreId, createdAt: now }, update: { cadreId, createdAt: now } });
}

/** Makes `cadreId` the committee member who answers for `memberId` (包中层). */
export async function setSupervisor(db: Tx, memberId: number, cadreId: number, now: Date): Promise<void> {
  await db.responsibility.upsert({ where: { memberId }, create: { kind: 'member', memberId, cadreId, createdAt: now }, update: { cadreId, createdAt: now } });
}

/** The 包村 cadre of a unit, or null. */
export async function cadreOfUnit(db: Tx, unitId: number): Promise<number | null> {
  return (await db.responsibility.findUnique({ where: { unitId } }))?.cadreId ?? null;
}

/** The committee member above a cadre, or null. */
export async function supervisorOf(db: Tx, memberId: number): Promise<number | null> {
  return (await db.responsibility.findUnique({ where: { memberId } }))?.cadreId ?? null;
}

/** What a cadre answers for: units (包村) and cadres (包中层). */
export async function dutiesOf(db: Tx, cadreId: number): Promise<{ units: number[]; members: number[] }> {
  const rows = await db.responsibility.findMany({ where: { cadreId }, orderBy: { id: 'asc' } });
  return { units: rows.flatMap((r) => (r.unitId === null ? [] : [r.unitId])), members: rows.flatMap((r) => (r.memberId === null ? [] : [r.memberId])) };
}

/** Every 包村 link: unit id → cadre id. */
export async function unitCadres(db: Tx): Promise<Map<number, number>> {
  const rows = await db.responsibility.findMany({ where: { kind: 'unit' } });
  return new Map(rows.flatMap((r) => (r.unitId === null ? [] : [[r.unitId, r.cadreId] as const])));
}

/** Every 包中层 link: cadre id → the committee member who answers for them. */
export async function supervisors(db: Tx): Promise<Map<number, number>> {
  const rows = await db.responsibility.findMany({ where: { kind: 'member' } });
  return new Map(rows.flatMap((r) => (r.memberId === null ? [] : [[r.memberId, r.cadreId] as const])));
}

/** Creates task #N with one assignment per unit; returns its id. */
export async function createTask(
  db: Tx,
  t: { title: string; dueDate: string | null; createdById: number; fromUnitId: number; now: Date; assignments: readonly { unitId: number; ownerId: number }[] },
): Promise<number> {
  const task = await db.task.create({
    data: {
      title: t.title,
      dueDate: t.dueDate,
      createdById: t.createdById,
      fromUnitId: t.fromUnitId,
      createdAt: t.now,
      assignments: { create: t.assignments.map((a) => ({ unitId: a.unitId, ownerId: a.ownerId, lastProgressAt: t.now })) },
    },
  });
  return task.id;
}

/** Task #N's assignments (empty when there is no such task). */
export async function assignmentsOfTask(db: Tx, taskId: number): Promise<Assignment[]> {
  const rows = await db.taskAssignment.findMany({ where: { taskId }, include: withTask, orderBy: { id: 'asc' } });
  return rows.map(toAssignment);
}

/** Assignments matching a filter, newest task first. */
export async function findAssignments(db: Tx, where: { unitIds?: readonly number[]; ownerId?: number; openOnly?: boolean; limit?: number }): Promise<Assignment[]> {
  const rows = await db.taskAssignment.findMany({
    where: {
      ...(where.unitIds ? { unitId: { in: [...where.unitIds] } } : {}),
      ...(where.ownerId !== undefined ? { ownerId: where.ownerId } : {}),
      ...(where.openOnly ? { status: 'open' } : {}),
    },
    include: withTask,
    orderBy: [{ taskId: 'desc' }, { id: 'asc' }],
    ...(where.limit ? { take: where.limit } : {}),
  });
  return rows.map(toAssignment);
}

/** Records one progress report and moves the assignment (done at 100); `progressId` names the report. */
export async function recordProgress(db: Tx, a: Assignment, p: { memberId: number; note: string; percent: number; evidence: readonly unknown[]; now: Date; chatKey: string }): Promise<Assignment & { progressId: number }> {
  const report = await db.taskProgress.create({ data: { assignmentId: a.id, memberId: p.memberId, note: p.note, percent: p.percent, evidence: JSON.stringify(p.evidence), createdAt: p.now, reportedIn: p.chatKey } });
  const done = p.percent >= 100;
  const row = await db.taskAssignment.update({
    where: { id: a.id },
    data: { percent: p.percent, lastProgressAt: p.now, status: done ? 'done' : 'open', doneAt: done ? (a.doneAt ?? p.now) : null },
    include: withTask,
  });
  return { ...toAssignment(row), progressId: report.id };
}

/**
 * Records the fetched evidence (checksums, or why not) on progress report `id`, after its commit,
 * merged by reference into what the report holds now (evidence attached meanwhile stays).
 */
export async function setProgressEvidence(db: Tx | Db, id: number, evidence: readonly MinutesAttachment[]): Promise<void> {
  const row = await db.taskProgress.findUnique({ where: { id }, select: { evidence: true } });
  const merged = mergeStored(row ? (JSON.parse(row.evidence) as MinutesAttachment[]) : [], evidence);
  await db.taskProgress.update({ where: { id }, data: { evidence: JSON.stringify(merged) } });
}

/** A progress report a later photo may attach to. */
export interface RecentProgress {
  readonly id: number;
  readonly taskId: number;
  readonly unitId: number;
  readonly createdAt: Date;
  readonly evidence: readonly MinutesAttachment[];
}

/** The latest progress report `memberId` made in chat `chatKey` since `since`; null when none. */
export async function progressReportedSince(db: Tx, memberId: number, chatKey: string, since: Date): Promise<RecentProgress | null> {
  const row = await db.taskProgress.findFirst({
    where: { memberId, reportedIn: chatKey, createdAt: { gte: since } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { id: true, createdAt: true, evidence: true, assignment: { select: { taskId: true, unitId: true } } },
  });
  if (!row) return null;
  return { id: row.id, taskId: row.assignment.taskId, unitId: row.assignment.unitId, createdAt: row.createdAt, evidence: JSON.parse(row.evidence) as MinutesAttachment[] };
}

/** Adds evidence to progress report `id` in the event's transaction; the whole list after it. */
export async function addProgressEvidence(db: Tx, r: RecentProgress, added: readonly MinutesAttachment[]): Promise<MinutesAttachment[]> {
  const all = [...r.evidence, ...added];
  await db.taskProgress.update({ where: { id: r.id }, data: { evidence: JSON.stringify(all) } });
  return all;
}

/** Evidence references recorded for an assignment, oldest first. */
export async function evidenceOf(db: Tx, assignmentId: number): Promise<unknown[]> {
  const rows = await db.taskProgress.findMany({ where: { assignmentId }, orderBy: { id: 'asc' }, select: { evidence: true } });
  return rows.flatMap((r) => JSON.parse(r.evidence) as unknown[]);
}

/** Records that escalation `step` of an assignment was sent; false when it already was (send nothing). */
export async function claimEscalation(db: Tx, assignmentId: number, step: string, sentToId: number, now: Date): Promise<boolean> {
  if (await db.taskEscalation.findUnique({ where: { assignmentId_step: { assignmentId, step } } })) return false;
  await db.taskEscalation.create({ data: { assignmentId, step, sentToId, createdAt: now } });
  return true;
}

/** Stores a unit's weekly report for the week starting `weekStart`. */
export async function addWeeklyReport(db: Tx, r: { unitId: number; weekStart: string; memberId: number; text: string; now: Date }): Promise<void> {
  await db.weeklyReport.create({ data: { unitId: r.unitId, weekStart: r.weekStart, memberId: r.memberId, text: r.text, createdAt: r.now } });
}

/** Units that sent a weekly report for the week starting `weekStart`. */
export async function unitsWithWeeklyReport(db: Tx, weekStart: string): Promise<Set<number>> {
  const rows = await db.weeklyReport.findMany({ where: { weekStart }, select: { unitId: true }, distinct: ['unitId'] });
  return new Set(rows.map((r) => r.unitId));
}
