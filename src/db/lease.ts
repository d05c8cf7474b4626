/**
 * Named leases in the database: among several instances sharing one database, exactly one holds a
 * resource that must have a single holder (a platform's one long connection per bot id). Taking,
 * renewing and releasing are single conditional statements, the same on SQLite and PostgreSQL, so
 * two instances never both hold a lease whatever the timing. Platform-neutral: any adapter or job
 * may use it by name.
 */
import type { Db } from './client.ts';
import type { Clock } from '../clock.ts';

/** What a holder knows about its lease. */
export interface LeaseGrant {
  readonly name: string;
  readonly holder: string;
  readonly expiresAt: Date;
  /** Changes whenever the lease changes hands (a fencing token). */
  readonly epoch: number;
}

/** Takes, renews and releases leases on one database for one instance. */
export class LeaseStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Takes `name` for `holder` for `ttlMs`, or renews it if `holder` already has it. Returns the
   * grant, or undefined while another holder's lease has not expired.
   */
  async acquire(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | undefined> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ttlMs);
    const renewed = await this.db.lease.updateMany({ where: { name, holder }, data: { expiresAt, updatedAt: now } });
    if (renewed.count === 1) return this.read(name, holder);
    const taken = await this.db.lease.updateMany({
      where: { name, holder: { not: holder }, expiresAt: { lte: now } },
      data: { holder, expiresAt, updatedAt: now, epoch: { increment: 1 } },
    });
    if (taken.count === 1) return this.read(name, holder);
    try {
      await this.db.lease.create({ data: { name, holder, expiresAt, updatedAt: now } });
      return this.read(name, holder);
    } catch (err) {
      if (isUniqueViolation(err)) return undefined; // someone else holds it (or just took it)
      throw err;
    }
  }

  /** Gives the lease up at once (a clean shutdown), so another instance need not wait for it to expire. */
  async release(name: string, holder: string): Promise<void> {
    await this.db.lease.updateMany({ where: { name, holder }, data: { expiresAt: new Date(0), updatedAt: this.clock.now() } });
  }

  /** The current holder of `name` if its lease has not expired. */
  async holderOf(name: string): Promise<string | undefined> {
    const row = await this.db.lease.findUnique({ where: { name } });
    return row && row.expiresAt.getTime() > this.clock.now().getTime() ? row.holder : undefined;
  }

  private async read(name: string, holder: string): Promise<LeaseGrant | undefined> {
    const row = await this.db.lease.findUnique({ where: { name } });
    if (!row || row.holder !== holder) return undefined;
    return { name: row.name, holder: row.holder, expiresAt: row.expiresAt, epoch: row.epoch };
  }
}

/** True for Prisma's unique-constraint error (P2002), whichever driver adapter raised it. */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'P2002' || /unique constraint/i.test(err instanceof Error ? err.message : '');
}
