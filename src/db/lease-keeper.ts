/**
 * Keeps trying to hold one named lease (src/db/lease.ts) and says when this instance gains or
 * loses it: the holder renews every third of the lease time; the others try as often, so when the
 * holder dies another takes over within the lease time. Used by adapters whose platform allows
 * one connection per bot id, so exactly one instance connects and sends.
 */
import type { Logger } from '../logger.ts';
import type { LeaseStore } from './lease.ts';

/** How a keeper is set up. */
export interface LeaseKeeperOptions {
  readonly store: LeaseStore;
  readonly name: string;
  /** This instance's id (`AdapterServices.instanceId`). */
  readonly holder: string;
  readonly ttlMs: number;
  /** Period of the renew / take-over attempts (default a third of `ttlMs`). */
  readonly checkEveryMs?: number;
  readonly logger: Logger;
  /** Called when this instance starts holding the lease. */
  readonly onAcquired: () => void | Promise<void>;
  /** Called when this instance stops holding it (expired while unreachable, or taken over). */
  readonly onLost: () => void | Promise<void>;
}

/** Holds one lease while running; `check()` runs one attempt now (tests call it on a manual clock). */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private held = false;
  private running = false;
  private checking: Promise<void> | undefined;

  constructor(private readonly opts: LeaseKeeperOptions) {}

  /** True while this instance holds the lease (as of the last check). */
  get holding(): boolean {
    return this.held;
  }

  /** Makes the first attempt, then keeps trying in the background. */
  async start(): Promise<void> {
    this.running = true;
    await this.check();
    this.schedule();
  }

  /** Stops trying and releases the lease if held, so another instance takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.checking;
    if (this.held) {
      this.held = false;
      await this.opts.store.release(this.opts.name, this.opts.holder).catch((err: unknown) => this.opts.logger.warn({ err }, 'lease release failed'));
    }
  }

  /** One attempt to take or renew the lease; fires onAcquired / onLost on a change. */
  check(): Promise<void> {
    this.checking ??= this.attempt().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async attempt(): Promise<void> {
    let grant;
    try {
      grant = await this.opts.store.acquire(this.opts.name, this.opts.holder, this.opts.ttlMs);
    } catch (err) {
      // The database is unreachable: the lease may lapse meanwhile, so stop acting as the holder.
      this.opts.logger.warn({ err, lease: this.opts.name }, 'lease check failed');
      grant = undefined;
    }
    if (!this.running && !this.held) return;
    if (grant && !this.held) {
      this.held = true;
      this.opts.logger.info({ lease: this.opts.name, epoch: grant.epoch }, 'lease acquired: this instance holds the connection');
      await this.opts.onAcquired();
    } else if (!grant && this.held) {
      this.held = false;
      this.opts.logger.warn({ lease: this.opts.name }, 'lease lost: another instance holds the connection now');
      await this.opts.onLost();
    }
  }

  private schedule(): void {
    if (!this.running) return;
    const every = this.opts.checkEveryMs ?? Math.max(1, Math.floor(this.opts.ttlMs / 3));
    this.timer = setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, every);
    this.timer.unref();
  }
}
