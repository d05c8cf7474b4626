import type { CommandSpec, Feature, SubcommandSpec } from './feature.ts';
import type { Role } from './types.ts';
import type { PromptKey } from './prompt-keys.ts';

/**
 * One line of /help and one row of the authorization matrix: a command, or one of its sub-commands
 * (`path` is `quiz` or `quiz import`).
 */
export interface CommandEntry {
  readonly path: string;
  readonly command: CommandSpec<unknown>;
  readonly sub?: SubcommandSpec;
  readonly minRole: Role;
  readonly summaryKey: PromptKey;
  readonly usageKey: PromptKey;
}

/**
 * All commands of all features, found by canonical name or alias. Built once at start-up; a
 * name or alias claimed twice is a programming error and stops start-up.
 */
export class CommandRegistry {
  private readonly byName = new Map<string, CommandSpec<unknown>>();
  private readonly canonical = new Map<string, string>();
  /** Commands in registration order (the order /help lists them). */
  readonly commands: CommandSpec<unknown>[] = [];
  /** Every command and sub-command, a command followed by its sub-commands, in /help order. */
  readonly entries: CommandEntry[] = [];

  constructor(readonly features: readonly Feature[]) {
    for (const f of features) {
      for (const c of f.commands) {
        if (this.byName.has(c.name)) throw new Error(`command ${c.name} is registered twice`);
        this.byName.set(c.name, c);
        this.commands.push(c);
        this.entries.push({ path: c.name, command: c, minRole: c.minRole, summaryKey: c.summaryKey, usageKey: c.usageKey });
        for (const sub of c.subcommands ?? []) {
          this.entries.push({ path: `${c.name} ${sub.name}`, command: c, sub, minRole: sub.minRole, summaryKey: sub.summaryKey, usageKey: sub.usageKey });
        }
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

  /** The sub-command `name` of command `spec`, or undefined. */
  subcommand(spec: CommandSpec<unknown>, name: string | undefined): SubcommandSpec | undefined {
    return name === undefined ? undefined : spec.subcommands?.find((s) => s.name === name);
  }

  /** The command with this canonical name. */
  get(name: string): CommandSpec<unknown> | undefined {
    return this.byName.get(name);
  }
}
