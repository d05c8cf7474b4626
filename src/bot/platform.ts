/**
 * The contract of a platform module: everything the core needs to know about a chat platform, in
 * one description each platform folder exports (`src/adapters/<name>/index.ts`). The list of
 * modules (`src/adapters/index.ts`) is the only place that names platforms; the configuration, the
 * log redaction, `BOT_ADMINS` validation and `main.ts` are derived from it. Adding a platform is
 * one folder and one line in that list.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Adapter, Capabilities } from './adapter.ts';
import type { TextTranslate } from './feature.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../db/client.ts';
import type { IdentityLinks } from './identity-links.ts';

/** Handles one HTTP request on the bot's shared server; resolve when the response is ended. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The bot's one HTTP server (`PORT`): adapters that need a route (a webhook) register it
 * here while they are built; the server listens only if some route was registered.
 */
export interface HttpRoutes {
  /** Serves `method` requests whose path (without query) equals `path`. A second handler for one route throws. */
  route(method: 'GET' | 'POST', path: string, handler: HttpHandler): void;
}

/** A command as a platform's own menu shows it (a bot command menu). */
export interface CommandSummary {
  readonly name: string;
  readonly description: string;
}

/** What the core gives a platform module to build its adapter with. */
export interface AdapterServices {
  /** A child logger already tagged with the platform; secrets named by the module are redacted. */
  readonly logger: Logger;
  readonly clock: Clock;
  readonly locale: 'zh-CN' | 'en';
  /** The name people @-mention (`BOT_NAME`). */
  readonly botName: string;
  /** `BOT_DATA_DIR`: session files and downloads live under it (create files 0600). */
  readonly dataDir: string;
  /** Names this process (leases, logs). */
  readonly instanceId: string;
  /** The shared HTTP server's routes. */
  readonly http: HttpRoutes;
  /** The open database (e.g. for a connection lease among several instances). */
  readonly database: Database;
  /** The command list for a platform menu, available once the app is built. */
  readonly commands: () => readonly CommandSummary[];
  /** Prompts, available once the app is built; any key text, so an adapter can use its own namespace (`prompts/<locale>/<name>.yaml`). */
  readonly translate: TextTranslate;
  /** Resolves when the outbox has nothing due for this platform (the console waits for it between lines). */
  readonly idle: () => Promise<void>;
  /**
   * Re-links this platform's members and chats to new ids (for platforms whose ids change at a
   * re-login). `buildAdapters` always gives it; a harness building one adapter alone may not.
   */
  readonly identities?: IdentityLinks;
}

/**
 * One platform, described. `Env` is the parsed type of its own environment variables.
 * Modules are plain objects: see `definePlatform` for type inference.
 */
export interface PlatformModule<Env = unknown> {
  /** The platform's name as stored in every chat and member row and written in `BOT_ADMINS` (`<name>:<userId>`). Lower-case letters. */
  readonly name: string;
  /** The zod schema of this platform's own environment variables (an object schema over `process.env`). */
  readonly env: z.ZodType<Env>;
  /** Names of the variables in `env` that are secrets: redacted from every log line and config error. */
  readonly secrets: readonly string[];
  /** Whether the environment turns this platform on (e.g. its token is set). */
  enabled(env: Env): boolean;
  /** Runs when no other platform is enabled (the console). */
  readonly fallback?: boolean;
  /** Builds the adapter (not started). May import its SDK lazily. */
  create(env: Env, services: AdapterServices): Promise<Adapter>;
}

/** Declares a platform module with its environment type inferred from the schema. */
export function definePlatform<Env>(module: PlatformModule<Env>): PlatformModule<unknown> {
  return module as unknown as PlatformModule<unknown>;
}

/** Re-exported for modules: the capability matrix each adapter instance carries. */
export type { Capabilities };
