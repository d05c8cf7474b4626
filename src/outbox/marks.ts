/**
 * Marking sent outbox rows in one statement per pass of the dispatcher instead of one per row:
 * a pass that delivers to 500 groups (a quiz's results) writes one UPDATE, not 500. A typed raw
 * query, since each row keeps its own platform message id and some have their payload erased
 * (ephemeral secrets), which Prisma's `updateMany` cannot set per row; the SQL is the same on
 * SQLite and PostgreSQL (test/outbox/marks.test.ts runs it on both).
 */
import { Prisma } from '../db/generated/sqlite/client.ts';
import type { Db } from '../db/client.ts';

/** One delivered row: its id, the platform's message id, and its erased payload when it is not to be kept. */
export interface SentMark {
  readonly id: number;
  readonly messageId: string | undefined;
  readonly payload?: string;
}

/** Rows per statement (well under SQLite's and PostgreSQL's parameter limits). */
const MARKS_PER_STATEMENT = 200;

/** Marks every row in `marks` sent at `now` (lease released, error cleared). */
export async function markSentMany(db: Db, marks: readonly SentMark[], now: Date): Promise<void> {
  for (let i = 0; i < marks.length; i += MARKS_PER_STATEMENT) {
    const part = marks.slice(i, i + MARKS_PER_STATEMENT);
    const messageIds = Prisma.join(part.map((m) => Prisma.sql`WHEN ${m.id} THEN ${m.messageId ?? null}`), ' ');
    const erased = part.filter((m) => m.payload !== undefined);
    const payload = erased.length
      ? Prisma.sql`CASE "id" ${Prisma.join(erased.map((m) => Prisma.sql`WHEN ${m.id} THEN ${m.payload!}`), ' ')} ELSE "payload" END`
      : Prisma.sql`"payload"`;
    await db.$executeRaw(Prisma.sql`
      UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = ${now}, "lockedBy" = NULL, "lockedUntil" = NULL, "lastError" = NULL,
        "externalMessageId" = CASE "id" ${messageIds} END, "payload" = ${payload}
      WHERE "id" IN (${Prisma.join(part.map((m) => m.id))})`);
  }
}
