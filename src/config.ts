import { z } from 'zod';
import type { Platform } from './bot/types.ts';

/** Platform names `BOT_ADMINS` accepts (until the modules list derives them). */
const PLATFORMS: readonly string[] = ['console', 'telegram', 'wechat', 'wecom', 'dingtalk'];

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

const botAdmins = z
  .string()
  .default('')
  .transform((raw, ctx): AdminRef[] => {
    const out: AdminRef[] = [];
    for (const part of raw.split(/[,，]/).map((s) => s.trim()).filter(Boolean)) {
      const m = /^([a-z]+):(.+)$/.exec(part);
      if (!m || !PLATFORMS.includes(m[1] as Platform)) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not platform:userId (platforms: ${PLATFORMS.join(', ')}), e.g. telegram:1001,wechat:wxid_abc` });
        return z.NEVER;
      }
      out.push({ platform: m[1] as Platform, userId: m[2]!.trim() });
    }
    return out;
  });

const optionalNonEmpty = z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().min(1).optional());
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The environment variables of the spec (and a few tuning knobs), validated. */
const envSchema = z
  .object({
    DATABASE_URL: databaseUrl.default('file:./data/xianfeng.db'),
    BOT_ADMINS: botAdmins,
    BOT_TIMEZONE: z.string().trim().default('Asia/Shanghai').refine(isTimeZone, { message: 'is not an IANA time zone, e.g. Asia/Shanghai' }),
    BOT_LOCALE: z.enum(['zh-CN', 'en'], { message: 'must be zh-CN or en' }).default('zh-CN'),
    BOT_NAME: z.string().trim().min(1).default('先锋'),
    BOT_DATA_DIR: z.string().trim().min(1).default('./data'),
    /** Inbound events older than this (replays after a reconnect) are recorded but not answered. */
    BOT_MAX_EVENT_AGE_SECONDS: positiveInt(180),
    /** Days after which processed inbound events and sent outbox messages keep no message text. */
    BOT_RETENTION_DAYS: positiveInt(30).refine((n) => n <= 3650, { message: 'must be 1-3650 days' }),
    /** Scheduled notices missed by at most this many minutes (downtime) are still sent, marked late; older ones are reported to the admins. */
    BOT_SCHEDULE_GRACE_MINUTES: z.coerce
      .number({ message: 'must be a whole number of minutes, e.g. 120' })
      .int({ message: 'must be a whole number of minutes, e.g. 120' })
      .min(0, { message: 'must be 0 or more minutes' })
      .max(10_080, { message: 'must be at most 10080 minutes (7 days)' })
      .default(120),
    TELEGRAM_BOT_TOKEN: optionalNonEmpty.refine((t) => t === undefined || /^\d+:[A-Za-z0-9_-]{10,}$/.test(t), {
      message: 'does not look like a bot token (123456:ABC-…)',
    }),
    TELEGRAM_API_ROOT: z.url({ message: 'must be a URL, e.g. https://api.telegram.org' }).default('https://api.telegram.org'),
    TELEGRAM_WEBHOOK_URL: optionalNonEmpty.pipe(z.url({ message: 'must be an https URL' }).optional()),
    TELEGRAM_WEBHOOK_SECRET: optionalNonEmpty.refine((s) => s === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(s), {
      message: 'must be 1-256 characters of A-Z a-z 0-9 _ -',
    }),
    PORT: positiveInt(8080).refine((p) => p < 65536, { message: 'must be a port number' }),
    WECHATY_PUPPET: optionalNonEmpty,
    WECHATY_PUPPET_SERVICE_TOKEN: optionalNonEmpty,
    /** Seconds each quiz question stays open (Telegram quiz polls allow 5-600). */
    QUIZ_QUESTION_SECONDS: positiveInt(30).refine((n) => n >= 10 && n <= 600, { message: 'must be 10-600 seconds' }),
    /** Study points a member may earn per day (学习强国-style daily cap). */
    QUIZ_DAILY_CAP: positiveInt(100).refine((n) => n <= 10_000, { message: 'must be 1-10000 points' }),
    /** When the daily question (每日一题) is sent: a 5-field cron in BOT_TIMEZONE. */
    QUIZ_DAILY_CRON: z.string().trim().default('0 8 * * *').refine((c) => /^\S+( \S+){4}$/.test(c), { message: 'must be a 5-field cron expression, e.g. 0 8 * * *' }),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be a pino level' }).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'is required when TELEGRAM_WEBHOOK_URL is set' });
    }
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_BOT_TOKEN'], message: 'is required when TELEGRAM_WEBHOOK_URL is set' });
    }
  });

/** The validated configuration the whole bot runs on. */
export type Config = z.output<typeof envSchema>;

/** A configuration error: `message` is one line naming the variable and what is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates the configuration from an environment (default `process.env`).
 * Throws `ConfigError` whose message names the first bad variable, e.g.
 * `BOT_TIMEZONE: is not an IANA time zone, e.g. Asia/Shanghai (got "Mars/Base")`.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = envSchema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  const got = env[name];
  const shown = got === undefined ? '' : ` (got ${JSON.stringify(redactIfSecret(name, got))})`;
  throw new ConfigError(`${name}: ${issue.message}${shown}`);
}

function redactIfSecret(name: string, value: string): string {
  if (/TOKEN|SECRET/.test(name)) return '***';
  if (name === 'DATABASE_URL') return value.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return value.length > 80 ? value.slice(0, 80) + '…' : value;
}
