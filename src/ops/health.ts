/**
 * Readiness (`/healthz`): the bot is ready when the database answers and every enabled adapter is
 * online, and not while it shuts down. The answer is 200 or 503 with a small JSON body that says
 * which part is down, so a load balancer, systemd or an operator can tell at a glance.
 */
import type { Adapter } from '../bot/adapter.ts';
import type { Db } from '../db/client.ts';

/** The body of `/healthz`. */
export interface HealthReport {
  readonly status: 'ok' | 'unavailable' | 'stopping';
  readonly database: 'up' | 'down';
  /** Each enabled adapter, by platform. */
  readonly adapters: Readonly<Record<string, 'up' | 'down'>>;
}

/** How long the database may take to answer `SELECT 1` before it counts as down. */
const DATABASE_TIMEOUT_MS = 2000;

/** Checks the parts of a running bot. */
export class HealthCheck {
  private stopping = false;

  constructor(private readonly db: Db, private readonly adapters: readonly Adapter[]) {}

  /** From now on the bot reports `stopping` (503): called when shutdown begins. */
  markStopping(): void {
    this.stopping = true;
  }

  /** Asks the database and every adapter. */
  async check(): Promise<HealthReport> {
    const database = (await this.databaseUp()) ? 'up' : 'down';
    const adapters = Object.fromEntries(this.adapters.map((a) => [a.platform, a.isOnline() ? 'up' : 'down'] as const));
    const allUp = database === 'up' && Object.values(adapters).every((s) => s === 'up');
    const status = this.stopping ? 'stopping' : allUp ? 'ok' : 'unavailable';
    return { status, database, adapters };
  }

  private async databaseUp(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DATABASE_TIMEOUT_MS)));
    try {
      return await Promise.race([this.db.$queryRawUnsafe('SELECT 1').then(() => true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
