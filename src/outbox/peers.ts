/**
 * Which dispatchers share one database's outbox, and what each has acknowledged (#18). Each
 * running dispatcher keeps a named lease `outbox-instance:<instance id>` (src/db/lease.ts) alive,
 * renewed from its passes every third of its time to live, and gives it up when it stops; a
 * crashed instance's lapses. Chats are divided among the live ones (src/outbox/affinity.ts), and
 * each instance writes the set of instances it divides by into its row `outbox-view:<instance id>`
 * (its acknowledgement) before it serves by that set, so an instance taking chats over can see
 * that the one giving them up has stopped serving them. An instance alone writes none (one
 * without an acknowledgement holds every chat, in the others' eyes), so alone it costs nothing. Both kinds of row are read in one
 * statement; a Lease row's `holder` carries the acknowledgement as JSON.
 */
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { LeaseStore } from '../db/lease.ts';

/** The prefix of the presence leases' names. */
const PREFIX = 'outbox-instance:';
/** The prefix of the acknowledgement rows' names. */
const ACK_PREFIX = 'outbox-view:';

/** What one instance serves by: the live instances it divides chats among, since when. */
export interface Acknowledgement {
  /** The instance ids, sorted. */
  readonly ids: readonly string[];
  /**
   * Per platform, until when (ms) the writer's sends made before it still fill more than its
   * share of the overall rate (absent or past: they do not).
   */
  readonly drainAt: Readonly<Record<string, number>>;
}

/** The instances delivering from the database now, and the acknowledgement of each that wrote one. */
export interface PeerView {
  /** Live instance ids, sorted (this one included while its presence holds). */
  readonly live: readonly string[];
  /** Each live instance's last acknowledgement. */
  readonly acks: ReadonlyMap<string, Acknowledgement>;
}

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

  /**
   * Announces this instance (when its dispatcher starts) and clears the acknowledgement an earlier
   * process with this id may have left: until it writes a new one, the others hold back from every
   * chat (they do not know what it serves by).
   */
  async join(): Promise<void> {
    await this.db.lease.deleteMany({ where: { name: `${ACK_PREFIX}${this.instanceId}` } });
    await this.renew();
  }

  /** Whether this instance has announced itself (and not left since). */
  get joined(): boolean {
    return this.renewedAt !== undefined;
  }

  private async renew(): Promise<void> {
    this.renewedAt = this.clock.now().getTime();
    await this.leases.acquire(this.name, this.instanceId, this.ttlMs);
  }

  /** Renews the presence once a third of its time to live has passed (a statement only then). */
  async keepAlive(): Promise<void> {
    if (this.renewedAt === undefined || this.clock.now().getTime() - this.renewedAt < this.ttlMs / 3) return;
    await this.renew();
  }

  /** Gives the presence up (a clean stop), so the others take its chats at once. */
  async leave(): Promise<void> {
    if (this.renewedAt === undefined) return;
    this.renewedAt = undefined;
    await this.leases.release(this.name, this.instanceId);
  }

  /** The live instances and their acknowledgements, in one statement. */
  async view(): Promise<PeerView> {
    const rows = await this.db.lease.findMany({
      where: { OR: [{ name: { startsWith: PREFIX } }, { name: { startsWith: ACK_PREFIX } }] },
      select: { name: true, holder: true, expiresAt: true },
    });
    const now = this.clock.now().getTime();
    const live = rows.filter((r) => r.name.startsWith(PREFIX) && r.expiresAt.getTime() > now).map((r) => r.holder);
    live.sort();
    const acks = new Map<string, Acknowledgement>();
    for (const r of rows) {
      const id = r.name.slice(ACK_PREFIX.length);
      if (!r.name.startsWith(ACK_PREFIX) || !live.includes(id)) continue;
      const ack = parseAck(r.holder);
      if (ack) acks.set(id, ack);
    }
    return { live, acks };
  }

  /** Writes this instance's acknowledgement: from now on it serves chats by `ack.ids`. */
  async acknowledge(ack: Acknowledgement): Promise<void> {
    const now = this.clock.now();
    const holder = JSON.stringify({ ids: ack.ids, drainAt: ack.drainAt });
    const name = `${ACK_PREFIX}${this.instanceId}`;
    await this.db.lease.upsert({ where: { name }, create: { name, holder, expiresAt: now, updatedAt: now }, update: { holder, expiresAt: now, updatedAt: now }, select: { name: true } });
  }
}

/** An acknowledgement read back from its row (undefined if it is not one). */
function parseAck(holder: string): Acknowledgement | undefined {
  try {
    const v = JSON.parse(holder) as Partial<Acknowledgement>;
    if (!Array.isArray(v.ids)) return undefined;
    return { ids: v.ids.map(String), drainAt: v.drainAt && typeof v.drainAt === 'object' ? v.drainAt : {} };
  } catch {
    return undefined;
  }
}
