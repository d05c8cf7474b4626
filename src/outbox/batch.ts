/**
 * Batching identical private messages: on a platform whose 1:1 endpoint takes a list of users
 * (`Capabilities.privateBatch`, `Adapter.sendToMany`), the heads of private chats that are due
 * at the same time with the very same stored payload (the same quiz question, the same reminder
 * to many members) go out as one send: one call, one metered call, one step of the rate limit.
 * A sealed (ephemeral) payload is never equal to another, so receipts are never batched.
 */

/** The part of an outbox row the planner reads. */
export interface BatchableRow {
  readonly id: number;
  readonly platform: string;
  readonly chatKind: string;
  readonly payload: string;
  readonly status: string;
  readonly notBefore: Date;
  readonly lockedUntil: Date | null;
}

/** Which heads lead a batch and which ride along with an earlier one. */
export interface BatchPlan<R> {
  /** Leader row id → the other rows (companions) of its batch, in id order. */
  readonly companions: ReadonlyMap<number, R[]>;
  /** Ids of rows that ride in some leader's batch (the dispatcher skips them as heads). */
  readonly absorbed: ReadonlySet<number>;
}

/** Whether a head may be sent at `now`: not held for later and not leased by a live sender. */
function isDue(row: BatchableRow, now: number): boolean {
  if (row.status === 'pending') return row.notBefore.getTime() <= now;
  return !row.lockedUntil || row.lockedUntil.getTime() <= now;
}

/**
 * Groups the due private heads (in the order given: oldest first) by platform and payload into
 * batches of at most `sizeOf(platform)` rows. A platform of size 1 or less is not batched.
 */
export function planPrivateBatches<R extends BatchableRow>(heads: Iterable<R>, now: number, sizeOf: (platform: string) => number): BatchPlan<R> {
  const companions = new Map<number, R[]>();
  const absorbed = new Set<number>();
  const open = new Map<string, { leader: R; rows: R[] }>();
  for (const row of heads) {
    const size = sizeOf(row.platform);
    if (size <= 1 || row.chatKind !== 'private' || !isDue(row, now)) continue;
    const key = `${row.platform}\u0000${row.payload}`;
    const batch = open.get(key);
    if (!batch) {
      open.set(key, { leader: row, rows: [] });
      continue;
    }
    batch.rows.push(row);
    absorbed.add(row.id);
    companions.set(batch.leader.id, batch.rows);
    if (batch.rows.length + 1 >= size) open.delete(key);
  }
  return { companions, absorbed };
}
