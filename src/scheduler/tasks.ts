/**
 * The shared API for durable one-off tasks. A feature calls these inside its handler's (or job's)
 * transaction, so the task exists exactly when the handler's writes do:
 *
 * ```ts
 * await scheduleTask(ctx.db, { kind: 'polls.close', key: `polls.close:${poll.id}`, dueAt, payload: { pollId: poll.id } });
 * await cancelTask(ctx.db, `polls.close:${poll.id}`); // e.g. /close before the deadline
 * ```
 *
 * and registers the runner once, in `Feature.jobs`: `scheduler.handle('polls.close', async (job, payload) => …)`.
 * The engine (`engine.ts`) runs each due task once, in one transaction with the runner's sends,
 * however many instances run and however late it is (a task is never skipped for being late:
 * `job.late` and `job.scheduledAt` tell the runner, which may decide to say less).
 */
import { z } from 'zod';
import type { Tx } from '../bot/feature.ts';
import type { TaskSpec } from './contract.ts';

/** Longest stored payload (JSON characters): tasks carry ids, not documents. */
export const MAX_TASK_PAYLOAD = 16_000;

const taskSpecSchema = z.object({
  kind: z.string().trim().min(1).max(64),
  key: z.string().trim().min(1).max(200),
  dueAt: z.date().refine((d) => !Number.isNaN(d.getTime()), 'dueAt is not a valid date'),
  payload: z.record(z.string(), z.unknown()),
});

/** A spec checked (throws on an invalid one: a programming error) with its payload as stored JSON. */
function checkedSpec(spec: TaskSpec): { s: z.infer<typeof taskSpecSchema>; payload: string } {
  const s = taskSpecSchema.parse(spec);
  const payload = JSON.stringify(s.payload);
  if (payload.length > MAX_TASK_PAYLOAD) throw new Error(`task ${s.key}: payload of ${payload.length} characters is too large`);
  return { s, payload };
}

/** What `scheduleTask` did. */
export type ScheduleOutcome =
  /** A new pending task. */
  | 'scheduled'
  /** A pending (or cancelled, or failed) task under this key now has the new time and payload. */
  | 'replaced'
  /** The task under this key already ran: keys name one logical action, so it is not run again. */
  | 'already-done';

/**
 * Schedules a one-off task, idempotently: a new key inserts a pending task; a key that is pending
 * (or was cancelled, or failed) is re-armed with the new time, kind and payload; a key that already
 * ran is left alone. Throws on an invalid spec (a programming error, not a user's).
 */
export async function scheduleTask(tx: Tx, spec: TaskSpec): Promise<ScheduleOutcome> {
  const { s, payload } = checkedSpec(spec);
  const existing = await tx.scheduledTask.findUnique({ where: { key: s.key }, select: { status: true } });
  if (existing?.status === 'done') return 'already-done';
  await tx.scheduledTask.upsert({
    where: { key: s.key },
    create: { kind: s.kind, key: s.key, dueAt: s.dueAt, payload, status: 'pending' },
    update: { kind: s.kind, dueAt: s.dueAt, payload, status: 'pending', error: null, retryAt: null },
  });
  return existing ? 'replaced' : 'scheduled';
}

/**
 * Makes task `id` pending again at `spec`'s time, kind and payload: what a runner's
 * `scheduleTask` of its OWN key does (the engine claimed it `done` at the start of the run, in the
 * same transaction, and `scheduleTask` leaves a done key alone). The attempts count stays.
 */
export async function rearmTask(tx: Tx, id: number, spec: TaskSpec): Promise<void> {
  const { s, payload } = checkedSpec(spec);
  await tx.scheduledTask.update({ where: { id }, data: { kind: s.kind, dueAt: s.dueAt, payload, status: 'pending', doneAt: null, error: null, retryAt: null } });
}

/** Cancels a pending task; true when there was one to cancel (done or unknown keys: false). */
export async function cancelTask(tx: Tx, key: string): Promise<boolean> {
  const r = await tx.scheduledTask.updateMany({ where: { key, status: 'pending' }, data: { status: 'cancelled' } });
  return r.count > 0;
}

/** A task as `pendingTask` shows it (tests, and features that show "closes at …"). */
export interface TaskInfo {
  readonly kind: string;
  readonly key: string;
  readonly dueAt: Date;
  readonly status: string;
  readonly attempts: number;
  readonly payload: Record<string, unknown>;
}

/** The task under `key` whatever its status, or null. */
export async function findTask(tx: Tx, key: string): Promise<TaskInfo | null> {
  const r = await tx.scheduledTask.findUnique({ where: { key } });
  if (!r) return null;
  return { kind: r.kind, key: r.key, dueAt: r.dueAt, status: r.status, attempts: r.attempts, payload: parsePayload(r.payload) };
}

/** Reads a stored payload back (an unreadable one becomes `{}`: the runner's zod check refuses it). */
export function parsePayload(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
