/**
 * Which dispatchers share one database's outbox, so that a pass leases only its share of a
 * backlog and another instance's pass finds the rest free (#18). Each running dispatcher keeps a
 * named lease `outbox-instance:<instance id>` (src/db/lease.ts) alive, renewed from its passes
 * every third of its time to live, and gives it up when it stops; a crashed instance's lapses.
 * A pass counts the live ones only when it has more heads to lease than its minimum, so a small
 * pass costs no statement, and one instance alone leases its whole backlog as before.
 */
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { LeaseStore } from '../db/lease.ts';

/** The prefix of the presence leases' names. */
const PREFIX = 'outbox-instance:';

/** One dispatcher's presence among the instances delivering from one database. */
export class OutboxPeers {
  private readonly leases: LeaseStore;
  private readonly name: string;
  private renewedAt: number | undefined;

  /** @param ttlMs how long the presence lasts unless renewed (the dispatcher's lease time). */
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly instanceId: string,
    private readonly ttlMs: number,
  ) {
    this.leases = new LeaseStore(db, clock);
    this.name = `${PREFIX}${instanceId}`;
  }

  /** Announces this instance (when its dispatcher starts). */
  async join(): Promise<void> {
    this.renewedAt = this.clock.now().getTime();
    await this.leases.acquire(this.name, this.instanceId, this.ttlMs);
  }

  /** Renews the presence once a third of its time to live has passed (a statement only then). */
  async keepAlive(): Promise<void> {
    if (this.renewedAt === undefined || this.clock.now().getTime() - this.renewedAt < this.ttlMs / 3) return;
    await this.join();
  }

  /** Gives the presence up (a clean stop), so the others lease whole passes again at once. */
  async leave(): Promise<void> {
    if (this.renewedAt === undefined) return;
    this.renewedAt = undefined;
    await this.leases.release(this.name, this.instanceId);
  }

  /** How many instances deliver from this database now (at least 1: this one). */
  async count(): Promise<number> {
    const live = await this.db.lease.count({ where: { name: { startsWith: PREFIX }, expiresAt: { gt: this.clock.now() } } });
    return Math.max(1, live);
  }
}
