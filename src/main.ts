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
import { BotMetrics, observeSends } from './ops/metrics.ts';
import { HealthCheck } from './ops/health.ts';
import { registerOpsRoutes } from './ops/routes.ts';
import { gracefulShutdown, shutdownOnSignals } from './ops/shutdown.ts';

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
  const metrics = new BotMetrics(database.db, systemClock);
  // Adapters need the app (command list, translations) and the app needs the adapters: a holder breaks the cycle.
  const holder: { app?: App } = {};
  const built = await buildAdapters(config, {
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
  const adapters = built.map((a) => observeSends(a, metrics));
  const app = (holder.app = createApp({ config, database, adapters, logger, observer: metrics }));
  const health = new HealthCheck(database.db, adapters);
  // The fallback (the console REPL) is a terminal session, not a service: it opens no port.
  if (config.BOT_OPS_ENDPOINTS === 'on' && !config.platforms.fallbackOnly) registerOpsRoutes(http, health, metrics, logger);

  const exit = (code: number) => process.exit(code);
  const shutdown = gracefulShutdown({ app, http, database, health, logger, drainMs: config.BOT_SHUTDOWN_SECONDS * 1000, exit });
  shutdownOnSignals(shutdown, logger, exit);
  stopper.stop = () => shutdown(1, 'fatal error');
  if (http.hasRoutes) {
    await http.listen(config.PORT, config.HTTP_HOST);
    logger.info({ host: config.HTTP_HOST, port: http.port }, 'http server listening');
  }
  await app.start();
  const finishing = adapters.filter((a) => a.finished);
  if (finishing.length) {
    await Promise.race(finishing.map((a) => a.finished!()));
    await app.idle();
    await shutdown(0, 'input finished');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
