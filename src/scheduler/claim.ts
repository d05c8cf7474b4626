/**
 * Claiming the next due one-off task inside the transaction that runs it, so that several workers
 * of one instance, and several instances, each take a different task and never wait for one
 * another: one typed raw statement, `pending` → `done` (attempts + 1), returning the row.
 *
 * On PostgreSQL the row is chosen with `FOR UPDATE SKIP LOCKED`: a task another transaction is
 * running (locked by its claim, not yet committed) is skipped, not waited for, and the next one is
 * taken. The claim commits together with the runner's writes; if the runner's process dies, its
 * connection closes, PostgreSQL rolls the transaction back, and the task is pending and unlocked
 * again for whoever looks next: no lease is needed. On SQLite (one writer: the bot's one
 * connection runs one transaction at a time, client.ts `serialized`) the same statement without
 * the locking clause is already exclusive.
 *
 * The SQL is the same on both databases apart from that clause (test/scheduler/sharing.test.ts
 * runs it on both).
 */
import { Prisma } from '../db/generated/sqlite/client.ts';
import type { Provider } from '../db/client.ts';
import type { Tx } from '../bot/feature.ts';

/** A task as its claim returns it (attempts already counts this run). */
export interface ClaimedTask {
  readonly id: number;
  readonly kind: string;
  readonly key: string;
  readonly dueAt: Date;
  readonly payload: string;
  readonly attempts: number;
}

interface ClaimRow {
  id: number | bigint;
  kind: string;
  key: string;
  dueAt: Date | string;
  payload: string;
  attempts: number | bigint;
}

/**
 * Claims, in `tx`, the earliest task among `among` (ids) that is pending and due at `now` (and
 * past its retry time), and not being run by another transaction; null when there is none.
 */
export async function claimNextTask(tx: Tx, provider: Provider, among: readonly number[], now: Date): Promise<ClaimedTask | null> {
  if (!among.length) return null;
  const lock = provider === 'postgresql' ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
  const rows = await tx.$queryRaw<ClaimRow[]>(Prisma.sql`
    UPDATE "ScheduledTask" SET "status" = 'done', "attempts" = "attempts" + 1, "doneAt" = ${now}, "error" = NULL, "retryAt" = NULL, "updatedAt" = ${now}
    WHERE "id" = (
      SELECT "id" FROM "ScheduledTask"
      WHERE "id" IN (${Prisma.join(among)}) AND "status" = 'pending' AND "dueAt" <= ${now} AND ("retryAt" IS NULL OR "retryAt" <= ${now})
      ORDER BY "dueAt", "id" LIMIT 1 ${lock})
    RETURNING "id", "kind", "key", "dueAt", "payload", "attempts"`);
  const row = rows[0];
  if (!row) return null;
  return { id: Number(row.id), kind: row.kind, key: row.key, dueAt: new Date(row.dueAt), payload: row.payload, attempts: Number(row.attempts) };
}
