/**
 * The console platform: the bot in a terminal, used when no other platform is configured (no
 * account, no token). Piped input runs as a script and ends the bot at its end.
 */
import { z } from 'zod';
import { definePlatform } from '../../bot/platform.ts';

/** The console as a platform module. */
export const consolePlatform = definePlatform({
  name: 'console',
  env: z.object({}),
  secrets: [],
  enabled: () => false,
  fallback: true,
  async create(_env, services) {
    const { ConsoleAdapter } = await import('./adapter.ts');
    return new ConsoleAdapter({
      input: process.stdin,
      output: process.stdout,
      interactive: Boolean(process.stdin.isTTY),
      botName: services.botName,
      translate: (key, vars) => services.translate(key, vars),
      clock: services.clock,
      dataDir: services.dataDir,
      waitForIdle: services.idle,
    });
  },
});
