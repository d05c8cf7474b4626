import type { CommandSpec, Feature } from './feature.ts';

/**
 * All commands of all features, found by canonical name or alias. Built once at start-up; a
 * name or alias claimed twice is a programming error and stops start-up.
 */
export class CommandRegistry {
  private readonly byName = new Map<string, CommandSpec<unknown>>();
  private readonly canonical = new Map<string, string>();
  /** Commands in registration order (the order /help lists them). */
  readonly commands: CommandSpec<unknown>[] = [];

  constructor(readonly features: readonly Feature[]) {
    for (const f of features) {
      for (const c of f.commands) {
        if (this.byName.has(c.name)) throw new Error(`command ${c.name} is registered twice`);
        this.byName.set(c.name, c);
        this.commands.push(c);
        for (const n of [c.name, ...c.aliases]) {
          const key = n.toLowerCase();
          const prev = this.canonical.get(key);
          if (prev && prev !== c.name) throw new Error(`command name ${n} is claimed by ${prev} and ${c.name}`);
          this.canonical.set(key, c.name);
        }
      }
    }
  }

  /** The canonical name for a name or alias (ASCII case-insensitive), or undefined. */
  resolve = (name: string): string | undefined => this.canonical.get(name.toLowerCase());

  /** The command with this canonical name. */
  get(name: string): CommandSpec<unknown> | undefined {
    return this.byName.get(name);
  }
}
