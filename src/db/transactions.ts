/**
 * Explicit limits of the short transactions outside the scheduler (which has its own, longer ones
 * in scheduler/engine.ts): one inbound event, a refusal or apology, a staged-ballot batch. These
 * are Prisma's defaults written out, so a reader sees them and a change is a decision: a
 * transaction may wait `maxWait` ms to start and run `timeout` ms before Prisma rolls it back.
 */
export const EVENT_TX_OPTIONS = { timeout: 5_000, maxWait: 2_000 } as const;
