/**
 * The one context every piece of bot work runs with: a command handler (`Context`, feature.ts)
 * and a scheduled job or task (`JobContext`, scheduler/contract.ts) both extend `BaseContext`, so
 * a feature's steps (close a poll, open a quiz question, send a reminder) take this one type
 * whoever calls them.
 */
import type { Capabilities } from './adapter.ts';
import type { Translate, Tx } from './feature.ts';
import type { ChatRef, Platform, QueuedMessage } from './types.ts';
import type { TaskSpec } from '../scheduler/contract.ts';

/** Stores a durable one-off task in a transaction (the scheduler's `scheduleTask`; tests may record instead). */
export type ScheduleFn = (tx: Tx, spec: TaskSpec) => Promise<unknown>;

/** What every handler and every job may use. */
export interface BaseContext {
  /** The transaction this work runs in: a throwing step leaves nothing half-written. */
  readonly db: Tx;
  /** The injected clock: use this, never `new Date()`, so tests control time. */
  now(): Date;
  readonly t: Translate;
  readonly locale: 'zh-CN' | 'en';
  /** IANA time zone of the organisation, for showing and parsing local times. */
  readonly timeZone: string;
  /** What a platform can do (text-only capabilities for a platform not running). */
  capabilitiesOf(platform: Platform): Capabilities;
  /** Sends to a chat through the outbox, in the same transaction. */
  send(chat: ChatRef, message: QueuedMessage | string): void;
  /** Schedules a durable one-off task in the same transaction (replacing a pending one of its key). */
  scheduleTask(spec: TaskSpec): Promise<void>;
  /** Records an audit entry (who did what; a job records no member). */
  audit(action: string, detail: string): Promise<void>;
  /** The bot's display name (`BOT_NAME`), for hints such as `@先锋 1` where groups show it only @-mentions. */
  readonly botName: string;
}

/** The bot's display name when none is configured (`BOT_NAME`'s default). */
export const DEFAULT_BOT_NAME = '先锋';
