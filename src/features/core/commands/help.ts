/** /help: the everyday commands of the speaker's role, every command with `全部`, or one command's usage. */
import { argInput } from '../../../bot/args.ts';
import { command, type Context } from '../../../bot/feature.ts';
import type { CommandRegistry } from '../../../bot/registry.ts';
import type { Role } from '../../../bot/types.ts';
import { hasRole } from '../../../bot/policy.ts';

const helpArgs = argInput.transform((a) => ({ topic: a.tokens[0]?.replace(/^[/#]/, ''), sub: a.tokens[1] }));

/** One command's (or sub-command's) summary and usage. */
function helpTopic(ctx: Context, registry: CommandRegistry, topic: string, subName: string | undefined): string {
  const name = registry.resolve(topic);
  const spec = name ? registry.get(name) : undefined;
  if (!spec) return ctx.t('core.error.unknown', { word: topic });
  const entry = registry.entries.find((e) => e.command === spec && e.sub?.name === subName?.toLowerCase()) ?? registry.entries.find((e) => e.command === spec)!;
  return `${ctx.t(entry.summaryKey)}\n${ctx.t('core.help.usageLabel')}${ctx.t(entry.usageKey)}`;
}

/**
 * The everyday commands of each role, in /help order: what fits one phone screen. `/help 全部`
 * lists everything the role may run; names not registered (a slice left out) are skipped.
 */
const EVERYDAY: Readonly<Record<Role, readonly string[]>> = {
  masses: ['meetings', 'polls', 'vote', 'results', 'suggest', 'pledges', 'rank', 'duty', 'whoami'],
  probationary: ['checkin', 'pledge', 'pledges', 'quiz', 'rank', 'rsvp', 'leave', 'polls', 'vote', 'suggest', 'tasks', 'whoami'],
  member: ['checkin', 'pledge', 'pledges', 'quiz', 'rank', 'rsvp', 'leave', 'polls', 'vote', 'suggest', 'tasks', 'whoami'],
  secretary: ['pledges', 'poll', 'close', 'meeting', 'attendance', 'minutes', 'suggestions', 'report', 'export', 'settings', 'members', 'tasks'],
  admin: ['bindchat', 'setrole', 'settings', 'report', 'poll', 'meeting', 'task', 'assign', 'members', 'audit', 'ledger', 'export'],
};

/** Words after /help that ask for every command. */
const ALL_WORDS = new Set(['全部', '所有', '更多', 'all', 'more']);

/** One /help line of a command or sub-command. */
function helpLine(ctx: Context, entry: CommandRegistry['entries'][number]): string {
  const spec = entry.command;
  const alias = spec.aliases[0];
  const form = alias ? ctx.t('core.help.commandLabel', { alias, name: spec.name }) : `/${spec.name}`;
  const command = entry.sub ? `/${entry.path}` : form;
  return ctx.t('core.help.line', { command, summary: ctx.t(entry.summaryKey) });
}

/**
 * Renders this member's help: the everyday commands of their role (one phone screen), with
 * `all` every command and sub-command they may run here; or one command's usage.
 */
function helpText(ctx: Context, registry: CommandRegistry, topic: string | undefined, sub: string | undefined): string {
  const all = topic !== undefined && ALL_WORDS.has(topic.toLowerCase());
  if (topic && !all) return helpTopic(ctx, registry, topic, sub);
  const mine = registry.entries.filter((e) => hasRole(ctx.member, e.minRole));
  const everyday = EVERYDAY[ctx.member.role];
  const shown = all ? mine : everyday.flatMap((name) => mine.filter((e) => !e.sub && e.command.name === name));
  const lines = [ctx.t('core.help.header', { role: ctx.t(`core.role.${ctx.member.role}`) }), ...shown.map((e) => helpLine(ctx, e))];
  lines.push(ctx.t(all || shown.length === mine.length ? 'core.help.footerAll' : 'core.help.footer', { more: mine.length - shown.length }));
  if (ctx.chat.ref.kind === 'group' && ctx.chat.unitId === null) lines.push(ctx.t('core.outsider.unboundHelp'));
  return lines.join('\n');
}

/** The /help command; `registry` is read lazily because /help lists every feature's commands. */
export function helpCommand(registry: () => CommandRegistry) {
  return command({
    name: 'help',
    aliases: ['帮助'],
    minRole: 'masses',
    summaryKey: 'core.help.summary',
    usageKey: 'core.help.usage',
    args: helpArgs,
    handler: async (ctx, { topic, sub }) => ctx.reply(helpText(ctx, registry(), topic, sub)),
    outsiders: 'hint',
  });
}
