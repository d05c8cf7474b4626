/**
 * The Telegram platform (telegraf): enabled by `TELEGRAM_BOT_TOKEN`; long polling, or a webhook on
 * the bot's shared HTTP server when `TELEGRAM_WEBHOOK_URL` is set.
 */
import { z } from 'zod';
import { definePlatform } from '../../bot/platform.ts';
import { optionalNonEmpty, urlWithDefault } from '../../bot/env.ts';

const telegramEnv = z
  .object({
    TELEGRAM_BOT_TOKEN: optionalNonEmpty.refine((t) => t === undefined || /^\d+:[A-Za-z0-9_-]{10,}$/.test(t), {
      message: 'does not look like a bot token (123456:ABC-…)',
    }),
    TELEGRAM_API_ROOT: urlWithDefault('https://api.telegram.org'),
    TELEGRAM_WEBHOOK_URL: optionalNonEmpty.pipe(z.url({ message: 'must be an https URL' }).optional()),
    TELEGRAM_WEBHOOK_SECRET: optionalNonEmpty.refine((s) => s === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(s), {
      message: 'must be 1-256 characters of A-Z a-z 0-9 _ -',
    }),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'is required when TELEGRAM_WEBHOOK_URL is set' });
    }
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_BOT_TOKEN'], message: 'is required when TELEGRAM_WEBHOOK_URL is set' });
    }
  });

/** Telegram's own environment, parsed. */
export type TelegramEnv = z.output<typeof telegramEnv>;

/** Telegram as a platform module. */
export const telegramPlatform = definePlatform({
  name: 'telegram',
  env: telegramEnv,
  secrets: ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET'],
  enabled: (env) => Boolean(env.TELEGRAM_BOT_TOKEN),
  async create(env, services) {
    const { TelegramAdapter } = await import('./adapter.ts');
    const webhook = env.TELEGRAM_WEBHOOK_URL ? { url: env.TELEGRAM_WEBHOOK_URL, secret: env.TELEGRAM_WEBHOOK_SECRET!, http: services.http } : undefined;
    return new TelegramAdapter({
      token: env.TELEGRAM_BOT_TOKEN!,
      apiRoot: env.TELEGRAM_API_ROOT,
      webhook,
      logger: services.logger,
      locale: services.locale,
      clock: services.clock,
      commands: services.commands,
    });
  },
});
