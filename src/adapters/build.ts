/**
 * Builds the adapters the configuration turns on, from the platform modules: each gets its own
 * parsed variables and the core's services (a logger tagged with its name, the shared HTTP routes,
 * the database). The only code that walks the modules list besides the configuration.
 */
import type { Adapter } from '../bot/adapter.ts';
import type { AdapterServices, PlatformModule } from '../bot/platform.ts';
import type { Config } from '../config.ts';
import { PLATFORM_MODULES } from './index.ts';
import { createIdentityLinks } from '../bot/identity-links.ts';

/** The services every adapter gets; the logger is tagged, `idle` narrowed and the identity links made for its platform here. */
export type SharedAdapterServices = Omit<AdapterServices, 'idle' | 'identities'> & {
  /** Resolves when the outbox has nothing due for `platform`. */
  readonly idle: (platform: string) => Promise<void>;
};

/** Builds (does not start) one adapter per enabled platform, in the modules' order. */
export async function buildAdapters(config: Config, services: SharedAdapterServices, modules: readonly PlatformModule[] = PLATFORM_MODULES): Promise<Adapter[]> {
  const adapters: Adapter[] = [];
  for (const name of config.platforms.enabled) {
    const module = modules.find((m) => m.name === name);
    if (!module) throw new Error(`platform ${name} is enabled but not in the modules list`);
    const logger = services.logger.child({ platform: name });
    // Identity links on the open database; the admins' notices they enqueue are picked up at the outbox's next pass.
    const identities = createIdentityLinks(name, { db: services.database.db, clock: services.clock, capabilitiesOf: (p) => adapters.find((a) => a.platform === p)?.capabilities });
    const adapter = await module.create(config.platforms.env[name], { ...services, logger, idle: () => services.idle(name), identities });
    if (adapter.platform !== name) throw new Error(`platform module ${name} built an adapter for ${adapter.platform}`);
    adapters.push(adapter);
  }
  return adapters;
}
