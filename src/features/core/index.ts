/**
 * The core slice: /help, /whoami, /setrole and /bindchat — who you are, what you may do here,
 * and how an admin ties a chat to an org unit.
 */
import { z } from 'zod';
import { argInput, noArgs } from '../../bot/args.ts';
import { command, UserError, type Context, type Feature } from '../../bot/feature.ts';
import type { CommandRegistry } from '../../bot/registry.ts';
import type { Role } from '../../bot/types.ts';
import { hasRole, managesUnitIn } from '../../bot/policy.ts';
import { bindChat, setMemberRole, unitName } from '../../bot/roster.ts';
import { personLabel, targetPerson, type ResolvedPerson } from '../../bot/people.ts';

/** Role words accepted by /setrole, in both languages. */
const ROLE_WORDS: Record<string, Exclude<Role, 'admin'>> = {
  secretary: 'secretary',
  书记: 'secretary',
  支部书记: 'secretary',
  member: 'member',
  党员: 'member',
  正式党员: 'member',
  probationary: 'probationary',
  预备党员: 'probationary',
  masses: 'masses',
  群众: 'masses',
};

const setroleArgs = argInput.transform((a, ctx) => {
  const tokens = [...a.tokens];
  const roleWord = tokens.pop()?.toLowerCase() ?? '';
  const role = ROLE_WORDS[roleWord];
  if (!role) {
    ctx.addIssue({ code: 'custom', message: 'role must be secretary, member, probationary or masses' });
    return z.NEVER;
  }
  const target = tokens.join(' ').trim();
  if (target.length > 64) {
    ctx.addIssue({ code: 'custom', message: 'name too long' });
    return z.NEVER;
  }
  return { role, target };
});

const bindchatArgs = argInput.transform((a, ctx) => {
  const tokens = [...a.tokens];
  let masses = false;
  if (tokens.length > 1 && /^(masses|群众)$/i.test(tokens[tokens.length - 1]!)) {
    masses = true;
    tokens.pop();
  }
  const name = tokens.join(' ').trim();
  if (!name || [...name].length > 40) {
    ctx.addIssue({ code: 'custom', message: 'unit name 1-40 characters' });
    return z.NEVER;
  }
  return { name, masses };
});

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

/**
 * Whom a /setrole names: looked up in the speaker's own unit first (admins: everywhere); when nobody
 * there, in every unit, so a secretary hears "not in your unit" rather than "not found".
 */
async function setroleTarget(ctx: Context, target: string): Promise<ResolvedPerson | null> {
  const everywhere = hasRole(ctx.member, 'admin');
  try {
    return await targetPerson(ctx, target || undefined, everywhere ? null : ctx.member.unitId);
  } catch (err) {
    if (everywhere || !(err instanceof UserError) || err.key !== 'core.people.noPerson') throw err;
    return targetPerson(ctx, target || undefined, null);
  }
}

/** /setrole: changes the role of a member of a unit the speaker manages (never an admin's). */
async function setroleHandler(ctx: Context, { role, target }: { role: Exclude<Role, 'admin'>; target: string }): Promise<void> {
  const found = await setroleTarget(ctx, target);
  if (!found) throw new UserError('core.setrole.notFound', { name: target || '?' });
  const person = found.member;
  if (hasRole(person, 'admin')) throw new UserError('core.setrole.isAdmin', { name: person.name });
  if (!(await managesUnitIn(ctx.db, ctx.member, person.unitId))) throw new UserError('core.setrole.otherUnit', { name: person.name });
  const updated = await setMemberRole(ctx.db, person.id, role);
  await ctx.audit('setrole', `member ${person.id} ${person.role} -> ${role}`);
  ctx.reply(ctx.t('core.setrole.done', { who: await personLabel(ctx, updated), role: ctx.t(`core.role.${role}`) }));
}

/** Builds the core feature; `registry` is read lazily because /help lists every feature's commands. */
export function coreFeature(registry: () => CommandRegistry): Feature {
  return {
    name: 'core',
    commands: [
      command({
        name: 'help',
        aliases: ['帮助'],
        minRole: 'masses',
        summaryKey: 'core.help.summary',
        usageKey: 'core.help.usage',
        args: helpArgs,
        handler: async (ctx, { topic, sub }) => ctx.reply(helpText(ctx, registry(), topic, sub)),
        outsiders: 'hint',
      }),
      command({
        name: 'whoami',
        aliases: ['我', '我是谁'],
        minRole: 'masses',
        summaryKey: 'core.whoami.summary',
        usageKey: 'core.whoami.usage',
        args: noArgs,
        handler: async (ctx) => {
          const unit = await unitName(ctx.db, ctx.member.unitId);
          const lines = [
            ctx.t('core.whoami.line', {
              name: ctx.member.name,
              role: ctx.t(`core.role.${ctx.member.role}`),
              unit: unit ?? ctx.t('core.whoami.noUnit'),
            }),
          ];
          for (const f of registry().features) if (f.profileLines) lines.push(...(await f.profileLines(ctx)));
          ctx.reply(lines.join('\n'));
        },
      }),
      command({
        name: 'setrole',
        aliases: ['设角色'],
        minRole: 'secretary',
        summaryKey: 'core.setrole.summary',
        usageKey: 'core.setrole.usage',
        args: setroleArgs,
        handler: setroleHandler,
      }),
      command({
        name: 'bindchat',
        aliases: ['绑定群'],
        minRole: 'admin',
        summaryKey: 'core.bindchat.summary',
        usageKey: 'core.bindchat.usage',
        args: bindchatArgs,
        outsiders: 'run',
        handler: async (ctx, { name, masses }) => {
          if (ctx.chat.ref.kind !== 'group') throw new UserError('core.bindchat.notGroup');
          const { unit, created } = await bindChat(ctx.db, ctx.chat.id, name, masses);
          await ctx.audit('bindchat', `chat ${ctx.chat.id} -> unit ${unit.id}${masses ? ' (masses)' : ''}`);
          ctx.reply(
            ctx.t(masses ? 'core.bindchat.doneMasses' : 'core.bindchat.done', {
              unit: unit.name,
              created: created ? ctx.t('core.bindchat.created') : '',
            }),
          );
        },
      }),
    ],
  };
}
