import { z } from 'zod';
import type { Platform } from './bot/types.ts';
import type { PlatformModule } from './bot/platform.ts';
import { positiveInt } from './bot/env.ts';
import { PLATFORM_MODULES } from './adapters/index.ts';

/** One initial admin from `BOT_ADMINS`: a platform and that platform's user id. */
export interface AdminRef {
  readonly platform: Platform;
  readonly userId: string;
}

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const databaseUrl = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((u) => /^file:.+/.test(u) || /^postgres(ql)?:\/\/.+/.test(u), {
    message: 'must be a SQLite file URL (file:./data/xianfeng.db) or a PostgreSQL URL (postgresql://user:pass@host:5432/db)',
  })
  .refine((u) => !/^postgres/.test(u) || URL.canParse(u), { message: 'is not a valid PostgreSQL URL' });

const botAdmins = (PLATFORMS: readonly string[]) => z
  .string()
  .default('')
  .transform((raw, ctx): AdminRef[] => {
    const out: AdminRef[] = [];
    for (const part of raw.split(/[,，]/).map((s) => s.trim()).filter(Boolean)) {
      const m = /^([a-z]+):(.+)$/.exec(part);
      if (!m || !PLATFORMS.includes(m[1]!)) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not platform:userId (platforms: ${PLATFORMS.join(', ')}), e.g. ${PLATFORMS[1] ?? PLATFORMS[0]}:1001` });
        return z.NEVER;
      }
      out.push({ platform: m[1]!, userId: m[2]!.trim() });
    }
    return out;
  });


/** The core's environment variables (and a few tuning knobs); each platform module adds its own. */
const coreEnvSchema = (platforms: readonly string[]) => z
  .object({
    DATABASE_URL: databaseUrl.default('file:./data/xianfeng.db'),
    BOT_ADMINS: botAdmins(platforms),
    BOT_TIMEZONE: z.string().trim().default('Asia/Shanghai').refine(isTimeZone, { message: 'is not an IANA time zone, e.g. Asia/Shanghai' }),
    BOT_LOCALE: z.enum(['zh-CN', 'en'], { message: 'must be zh-CN or en' }).default('zh-CN'),
    BOT_NAME: z.string().trim().min(1).default('先锋'),
    BOT_DATA_DIR: z.string().trim().min(1).default('./data'),
    /** Inbound events older than this (replays after a reconnect) are recorded but not answered. */
    BOT_MAX_EVENT_AGE_SECONDS: positiveInt(180),
    /** Commands one member may send a minute (managers are not limited); over it, one "slow down" reply, then silence. 0: no limit. */
    BOT_COMMANDS_PER_MINUTE: z.coerce
      .number({ message: 'must be a whole number, e.g. 20 (0: no limit)' })
      .int({ message: 'must be a whole number, e.g. 20 (0: no limit)' })
      .min(0, { message: 'must be 0 (no limit) or more' })
      .default(20),
    /** Days after which processed inbound events and sent outbox messages keep no message text. */
    BOT_RETENTION_DAYS: positiveInt(30).refine((n) => n <= 3650, { message: 'must be 1-3650 days' }),
    /** Scheduled notices missed by at most this many minutes (downtime) are still sent, marked late; older ones are reported to the admins. */
    BOT_SCHEDULE_GRACE_MINUTES: z.coerce
      .number({ message: 'must be a whole number of minutes, e.g. 120' })
      .int({ message: 'must be a whole number of minutes, e.g. 120' })
      .min(0, { message: 'must be 0 or more minutes' })
      .max(10_080, { message: 'must be at most 10080 minutes (7 days)' })
      .default(120),
    /** The shared HTTP server's port (webhooks; it listens only when an adapter registers a route). */
    PORT: z.coerce.number().int().min(0).max(65535, { message: 'must be a port number' }).default(8080),
    /** The address the shared HTTP server binds: loopback by default (a reverse proxy in front); 0.0.0.0 in a container. */
    HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
    /** `/healthz` and `/metrics` on the shared HTTP server: on (default) or off. */
    BOT_OPS_ENDPOINTS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
    /** On SIGTERM, how long the bot may keep delivering what is due before it exits. */
    BOT_SHUTDOWN_SECONDS: z.coerce
      .number({ message: 'must be a whole number of seconds, e.g. 15' })
      .int({ message: 'must be a whole number of seconds, e.g. 15' })
      .min(0, { message: 'must be 0-600 seconds' })
      .max(600, { message: 'must be 0-600 seconds' })
      .default(15),
    /** Seconds each quiz question stays open (10-600). */
    QUIZ_QUESTION_SECONDS: positiveInt(30).refine((n) => n >= 10 && n <= 600, { message: 'must be 10-600 seconds' }),
    /** Study points a member may earn per day (学习强国-style daily cap). */
    QUIZ_DAILY_CAP: positiveInt(100).refine((n) => n <= 10_000, { message: 'must be 1-10000 points' }),
    /** When the daily question (每日一题) is sent: a 5-field cron in BOT_TIMEZONE. */
    QUIZ_DAILY_CRON: z.string().trim().default('0 8 * * *').refine((c) => /^\S+( \S+){4}$/.test(c), { message: 'must be a 5-field cron expression, e.g. 0 8 * * *' }),
    /** Days without progress after which an open task is flagged to its 包村 cadre (0: never). */
    TASK_STALE_DAYS: z.coerce.number({ message: 'must be a whole number of days, e.g. 7' }).int({ message: 'must be a whole number of days, e.g. 7' }).min(0).max(365).default(7),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be a pino level' }).default('info'),
  });

/** The core's part of the configuration. */
export type CoreConfig = z.output<ReturnType<typeof coreEnvSchema>>;

/** Each platform module's parsed variables, and which platforms the environment turns on. */
export interface PlatformConfig {
  /** Module names to start, in list order: the enabled ones, or the fallback (console) when none is. */
  readonly enabled: readonly Platform[];
  /** Parsed variables of every module, by module name. */
  readonly env: Readonly<Record<Platform, unknown>>;
  /** Values of every module's secret variables that are set, for log redaction. */
  readonly secretValues: readonly string[];
  /** True when only the fallback platform (the console) runs: logs stay quiet so they do not interleave with the REPL. */
  readonly fallbackOnly: boolean;
}

/** The validated configuration the whole bot runs on. */
export type Config = CoreConfig & { readonly platforms: PlatformConfig };

/** A configuration error: `message` is one line naming the variable and what is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates the configuration from an environment (default `process.env`): the core's
 * variables, then each platform module's (`modules`, default the adapters list). Throws
 * `ConfigError` whose message names the first bad variable, e.g.
 * `BOT_TIMEZONE: is not an IANA time zone, e.g. Asia/Shanghai (got "Mars/Base")`.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, modules: readonly PlatformModule[] = PLATFORM_MODULES): Config {
  const secretNames = new Set(modules.flatMap((m) => m.secrets));
  const core = parseOrThrow(coreEnvSchema(modules.map((m) => m.name)), env, secretNames);
  const parsed: Record<Platform, unknown> = {};
  for (const m of modules) parsed[m.name] = parseOrThrow(m.env, env, secretNames);
  const on = modules.filter((m) => !m.fallback && m.enabled(parsed[m.name]));
  const enabled = (on.length ? on : modules.filter((m) => m.fallback)).map((m) => m.name);
  const secretValues = [...secretNames].map((n) => env[n]?.trim()).filter((v): v is string => Boolean(v));
  return { ...core, platforms: { enabled, env: parsed, secretValues, fallbackOnly: on.length === 0 } };
}

function parseOrThrow<T>(schema: z.ZodType<T>, env: Record<string, string | undefined>, secretNames: ReadonlySet<string>): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  const got = env[name];
  const shown = got === undefined ? '' : ` (got ${JSON.stringify(redactIfSecret(name, got, secretNames))})`;
  throw new ConfigError(`${name}: ${issue.message}${shown}`);
}

function redactIfSecret(name: string, value: string, secretNames: ReadonlySet<string>): string {
  if (secretNames.has(name) || /TOKEN|SECRET|PASSWORD/.test(name)) return '***';
  if (name === 'DATABASE_URL') return value.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return value.length > 80 ? value.slice(0, 80) + '…' : value;
}
