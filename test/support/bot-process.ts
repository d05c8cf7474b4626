/**
 * The whole bot as a child process, for the crash tests (test/reliability/crash.test.ts): the real
 * app on a SQLite file with the real Telegram adapter talking to a fake Bot API server that lives
 * in the parent test. The parent can `kill -9` this process at any moment and start it again on
 * the same database with the same instance id, as a supervisor restarting a crashed bot would.
 *
 *   node --import tsx test/support/bot-process.ts   (configured by the environment below)
 *
 * Environment: DATABASE_URL (migrated already), TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, BOT_ADMINS,
 * XF_INSTANCE_ID (outbox lease owner), XF_RATE_SCALE (divides Telegram's rate windows).
 * Prints one line `ready` on stdout once started; logs (warn and up) go to stderr.
 */
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import { TelegramAdapter } from '../../src/adapters/telegram/adapter.ts';
import { loadConfig } from '../../src/config.ts';
import type { TelegramEnv } from '../../src/adapters/telegram/index.ts';
import { openDatabase } from '../../src/db/client.ts';

const config = loadConfig();
const telegramEnv = config.platforms.env.telegram as TelegramEnv;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const database = await openDatabase(config.DATABASE_URL);
const holder: { app?: ReturnType<typeof createApp> } = {};
const adapter = new TelegramAdapter({
  token: telegramEnv.TELEGRAM_BOT_TOKEN!,
  apiRoot: telegramEnv.TELEGRAM_API_ROOT,
  logger,
  locale: config.BOT_LOCALE,
  commands: () => holder.app!.registry.commands.map((c) => ({ name: c.name, description: holder.app!.translate(c.summaryKey) })),
  pollTimeoutSeconds: 5,
  retryDelayMs: { initial: 10, max: 100 },
});
const app = (holder.app = createApp({
  config,
  database,
  adapters: [adapter],
  logger,
  instanceId: process.env.XF_INSTANCE_ID ?? 'crash-test-bot',
  outbox: { rateTimeScale: Number(process.env.XF_RATE_SCALE ?? '1'), idleMs: 20 },
}));
process.on('SIGTERM', () => {
  void app.stop().then(() => database.close()).then(() => process.exit(0));
});
await app.start();
process.stdout.write('ready\n');
