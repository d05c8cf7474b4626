/**
 * `npm start`: reads the environment, migrates the database, and runs the bot on every platform
 * the environment turns on (the modules in `src/adapters/index.ts`), or the console REPL when
 * none is. Piped into, the console runs the script and exits 0 at its end.
 */
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { openDatabase } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { createApp, defaultInstanceId, type App } from './app.ts';
import { buildAdapters } from './adapters/build.ts';
import { HttpServer } from './http/server.ts';
import { systemClock } from './clock.ts';
import { installFatalHandlers } from './fatal.ts';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`配置错误 / configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  // In the terminal REPL, info lines would interleave with the conversation: unless LOG_LEVEL is
  // set, the console shows only warnings and errors (on stderr).
  const logger = createLogger(config.platforms.fallbackOnly && !process.env.LOG_LEVEL ? 'warn' : config.LOG_LEVEL, undefined, config.platforms.secretValues);
  // Until the app exists a fatal error just exits; afterwards it first tries to stop cleanly.
  const stopper: { stop?: () => Promise<void> } = {};
  installFatalHandlers({ logger, stop: () => stopper.stop?.() ?? Promise.resolve() });

  await migrateDatabase(config.DATABASE_URL);
  const database = await openDatabase(config.DATABASE_URL);
  const http = new HttpServer(logger);
  // Adapters need the app (command list, translations) and the app needs the adapters: a holder breaks the cycle.
  const holder: { app?: App } = {};
  const adapters = await buildAdapters(config, {
    logger,
    clock: systemClock,
    locale: config.BOT_LOCALE,
    botName: config.BOT_NAME,
    dataDir: config.BOT_DATA_DIR,
    instanceId: defaultInstanceId(config),
    http,
    database,
    commands: () => holder.app!.registry.commands.map((c) => ({ name: c.name, description: holder.app!.translate(c.summaryKey) })),
    translate: (key, vars) => holder.app!.translate(key, vars),
    idle: (platform) => holder.app!.idle(platform),
  });
  const app = (holder.app = createApp({ config, database, adapters, logger }));

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    await http.close();
    await database.close();
    process.exit(code);
  };
  stopper.stop = async () => {
    stopping = true;
    await app.stop();
    await database.close();
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  if (http.hasRoutes) await http.listen(config.PORT);
  await app.start();
  const finishing = adapters.filter((a) => a.finished);
  if (finishing.length) {
    await Promise.race(finishing.map((a) => a.finished!()));
    await app.idle();
    await shutdown(0);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
