/**
 * `npm start`: reads the environment, migrates the database, and runs the bot on every configured
 * platform — Telegram when TELEGRAM_BOT_TOKEN is set, WeChat when WECHATY_PUPPET is set, and the
 * console REPL when neither is. Piped into, the console runs the script and exits 0 at its end.
 */
import type { Adapter } from './bot/adapter.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { openDatabase } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { createApp, type App } from './app.ts';
import { ConsoleAdapter } from './adapters/console.ts';
import { systemClock } from './clock.ts';

async function buildAdapters(config: Config, logger: Logger, app: () => App): Promise<{ adapters: Adapter[]; console?: ConsoleAdapter }> {
  const adapters: Adapter[] = [];
  if (config.TELEGRAM_BOT_TOKEN) {
    const { TelegramAdapter } = await import('./adapters/telegram.ts');
    adapters.push(
      new TelegramAdapter({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        webhook: config.TELEGRAM_WEBHOOK_URL ? { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET!, port: config.PORT } : undefined,
        logger: logger.child({ platform: 'telegram' }),
        locale: config.BOT_LOCALE,
        commands: () => app().registry.commands.map((c) => ({ name: c.name, description: app().translate(c.summaryKey) })),
      }),
    );
  }
  if (config.WECHATY_PUPPET) {
    const { WechatAdapter } = await import('./adapters/wechat.ts');
    adapters.push(
      new WechatAdapter({
        puppet: config.WECHATY_PUPPET,
        puppetToken: config.WECHATY_PUPPET_SERVICE_TOKEN,
        dataDir: config.BOT_DATA_DIR,
        logger: logger.child({ platform: 'wechat' }),
        botNames: [config.BOT_NAME],
      }),
    );
  }
  if (adapters.length) return { adapters };
  const consoleAdapter = new ConsoleAdapter({
    input: process.stdin,
    output: process.stdout,
    interactive: Boolean(process.stdin.isTTY),
    botName: config.BOT_NAME,
    translate: (k, v) => app().translate(k, v),
    clock: systemClock,
    dataDir: config.BOT_DATA_DIR,
    waitForIdle: () => app().idle('console'),
  });
  return { adapters: [consoleAdapter], console: consoleAdapter };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`配置错误 / configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // In the terminal REPL, info lines would interleave with the conversation: unless LOG_LEVEL is
  // set, the console shows only warnings and errors (on stderr).
  const consoleOnly = !config.TELEGRAM_BOT_TOKEN && !config.WECHATY_PUPPET;
  const logger = createLogger(consoleOnly && !process.env.LOG_LEVEL ? 'warn' : config.LOG_LEVEL);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

  await migrateDatabase(config.DATABASE_URL);
  const database = await openDatabase(config.DATABASE_URL);
  // Adapters need the app (command list, translations) and the app needs the adapters: a holder breaks the cycle.
  const holder: { app?: App } = {};
  const { adapters, console: consoleAdapter } = await buildAdapters(config, logger, () => holder.app!);
  const app = (holder.app = createApp({ config, database, adapters, logger }));

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    await database.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  await app.start();
  if (consoleAdapter) {
    await consoleAdapter.finished();
    await app.idle();
    await shutdown(0);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
