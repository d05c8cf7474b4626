import type { Capabilities } from '../bot/adapter.ts';
import type { ChatRef, QueuedMessage } from '../bot/types.ts';
import type { Tx } from '../bot/feature.ts';
import { renderFor } from './render.ts';
import { payloadOf } from './seal.ts';
import { Prisma } from '../db/generated/sqlite/client.ts';

/** One message to put in the outbox. `key` makes it idempotent: the same key is stored once. */
export interface OutboxItem {
  readonly chat: ChatRef;
  readonly message: QueuedMessage;
  /** Unique per logical message, e.g. `evt:42:0` (reply 0 to inbound event 42) or `occ:7:chat:3`. */
  readonly key: string;
  /** Not to be sent before this time (default: now). */
  readonly notBefore?: Date;
  /**
   * An individual reply to the person who wrote: among the chats of one account waiting for a send,
   * notices, results and questions (everything else) go first. A chat's own messages stay in order.
   */
  readonly reply?: boolean;
}

/** The `priority` column: lower goes first among chats waiting for the same account. */
export const PRIORITY = { first: 0, reply: 1 } as const;

/**
 * Writes messages to the outbox inside the caller's transaction, rendered for each target
 * platform's capabilities (split texts become several rows `key#1`, `key#2`, …). A key already
 * present is skipped, so reprocessing an event or re-firing a schedule never sends twice.
 * Returns the number of rows actually added.
 *
 * With `freshKeys` the caller guarantees that no row with these keys can exist (the inbox, whose
 * transaction holds the claim of the event the keys are named after): the rows are inserted in
 * one statement without looking first. Should a key exist after all, the insert fails with a
 * unique violation and the caller's transaction rolls back; nothing is sent twice.
 */
export async function enqueueMessages(
  tx: Tx,
  items: readonly OutboxItem[],
  capabilitiesOf: (platform: ChatRef['platform']) => Capabilities | undefined,
  now: Date,
  options: { freshKeys?: boolean } = {},
): Promise<number> {
  if (options.freshKeys) {
    const data = items.flatMap((item) => {
      const caps = capabilitiesOf(item.chat.platform);
      return caps ? renderFor(item.message, caps).map((message, i, all) => rowOf(item, message, all.length === 1 ? item.key : `${item.key}#${i + 1}`, now)) : [];
    });
    return insertRows(tx, data);
  }
  let added = 0;
  for (const item of items) {
    const caps = capabilitiesOf(item.chat.platform);
    if (!caps) continue; // that platform is not running: nothing could deliver it
    const rendered = renderFor(item.message, caps);
    for (let i = 0; i < rendered.length; i++) {
      const idempotencyKey = rendered.length === 1 ? item.key : `${item.key}#${i + 1}`;
      const exists = await tx.outboxMessage.findUnique({ where: { idempotencyKey }, select: { id: true } });
      if (exists) continue;
      await tx.outboxMessage.create({ data: rowOf(item, rendered[i]!, idempotencyKey, now) });
      added++;
    }
  }
  return added;
}

/** Rows per INSERT (8 values each: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters). */
const ROWS_PER_INSERT = 500;

/**
 * Inserts outbox rows in one statement per `ROWS_PER_INSERT`: the inbox's replies, on every
 * message. A typed raw query, since Prisma's `createMany` costs about three raw statements of
 * client time here (bench/inbound.ts `per_query_cost`); the SQL is the same on SQLite and
 * PostgreSQL (test/outbox/enqueue.test.ts runs it on both). A key present already fails the
 * statement with a unique violation, as `createMany` did.
 */
async function insertRows(tx: Tx, rows: readonly OutboxRow[]): Promise<number> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const values = rows.slice(i, i + ROWS_PER_INSERT).map(
      (r) => Prisma.sql`(${r.platform}, ${r.chatId}, ${r.chatKind}, ${r.payload}, 'pending', ${r.priority}, 0, ${r.notBefore}, ${r.idempotencyKey}, ${r.createdAt})`,
    );
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO "OutboxMessage" ("platform", "chatId", "chatKind", "payload", "status", "priority", "attempts", "notBefore", "idempotencyKey", "createdAt")
      VALUES ${Prisma.join(values)}`);
  }
  return rows.length;
}

/** The columns of a new outbox row. */
type OutboxRow = ReturnType<typeof rowOf>;

function rowOf(item: OutboxItem, message: QueuedMessage, idempotencyKey: string, now: Date) {
  return {
    platform: item.chat.platform,
    chatId: item.chat.chatId,
    chatKind: item.chat.kind,
    payload: payloadOf(message),
    idempotencyKey,
    notBefore: item.notBefore ?? now,
    priority: item.reply ? PRIORITY.reply : PRIORITY.first,
    createdAt: now,
  };
}
