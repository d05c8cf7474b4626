/**
 * The core slice: /help, /whoami, /setrole and /bindchat — who you are, what you may do here,
 * and how an admin ties a chat to an org unit. One command a file in `commands/`.
 */
import type { Feature } from '../../bot/feature.ts';
import type { CommandRegistry } from '../../bot/registry.ts';
import { bindchatCommand } from './commands/bindchat.ts';
import { helpCommand } from './commands/help.ts';
import { setroleCommand } from './commands/setrole.ts';
import { whoamiCommand } from './commands/whoami.ts';

/** Builds the core feature; `registry` is read lazily because /help lists every feature's commands. */
export function coreFeature(registry: () => CommandRegistry): Feature {
  return { name: 'core', commands: [helpCommand(registry), whoamiCommand(registry), setroleCommand, bindchatCommand] };
}
