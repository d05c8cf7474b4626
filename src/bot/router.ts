import { TEXT_ONLY_CAPABILITIES, type Capabilities, type Downloaded } from './adapter.ts';
import type { AnswerClaim, ArgInput, ChatInfo, CommandSpec, Context, MemberInfo, Translate, Tx } from './feature.ts';
import { UsageError, UserError } from './feature.ts';
import type { CommandRegistry } from './registry.ts';
import type { ChatRef, Incoming, QueuedMessage, Platform, Role } from './types.ts';
import type { RegistrationPolicy } from './roster.ts';
import { listUnits, resolveChat, resolveMember, writeAudit } from './roster.ts';
import { RosterCache } from './roster-cache.ts';
import { parseMessage } from './grammar.ts';
import { looksLikeAnswer, settleAnswerClaims } from './answers.ts';
import { argTokens } from './args.ts';
import { usageReply } from './usage.ts';
import { hasRole, isPartyMember, rolesFrom } from './policy.ts';
import type { OutboxItem } from '../outbox/enqueue.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { secrecyOf, type Secrecy } from './secrecy.ts';
import type { CommandFlood } from './flood.ts';
import { DEFAULT_BOT_NAME, type ScheduleFn } from './context.ts';
import { scheduleTask } from '../scheduler/tasks.ts';
import { attachmentsOnly, offerAttachments } from './attachments-route.ts';
import type { PromptKey } from './prompt-keys.ts';

/** What the router needs from the rest of the bot. */
export interface RouterDeps {
  readonly registry: CommandRegistry;
  readonly translate: Translate;
  readonly locale: 'zh-CN' | 'en';
  readonly timeZone: string;
  readonly clock: Clock;
  readonly policy: RegistrationPolicy;
  /** Display names the bot answers to in the `@先锋 打卡` form. */
  readonly botNames: readonly string[];
  /** The bot's user name on a platform (for `/help@name`), once its adapter has started. */
  readonly usernameOf: (platform: Platform) => string | undefined;
  readonly capabilitiesOf: (platform: Platform) => Capabilities | undefined;
  /** The adapter's `download` of a platform (absent: no platform fetches files). */
  readonly downloadFrom?: (platform: Platform) => ((ref: string, maxBytes: number) => Promise<Downloaded>) | undefined;
  /** The per-member command limit (flood.ts); undefined: none. */
  readonly flood?: CommandFlood;
  /** Stores a one-off task a handler schedules (default the scheduler's `scheduleTask`). */
  readonly scheduleTask?: ScheduleFn;
}

/** Marks a handler sets on the event it handles, read by the inbox (see `Context.redactEvent`). */
export interface EventMarks {
  /** Store the event without its text. */
  redact: boolean;
  /** Work the handler asked to run after the event's transaction commits (`Context.afterCommit`). */
  afterCommit?: ((db: Db) => Promise<void>)[];
}

/** The outcome of routing one event: the messages to enqueue, and whether it was ignored. */
export interface RouteResult {
  readonly outgoing: OutboxItem[];
  readonly ignored: boolean;
}


/**
 * Turns one recorded event into handler calls: resolves the chat and the speaker (registering
 * unknown people), parses the text with the grammar, checks the role, validates the arguments
 * with the command's zod schema, and runs the handler. Buttons and native poll answers become the
 * text command they stand for. Everything happens inside the caller's transaction `tx`.
 */
export class Router {
  /** This instance's chats and speakers, dropped whenever the roster version moves. */
  private readonly roster = new RosterCache();

  constructor(private readonly deps: RouterDeps) {}

  /**
   * Drops this instance's roster cache: call it when an event's transaction rolled back, since
   * what was read into the cache in it (after an earlier write of the same transaction) may never
   * have been committed.
   */
  forgetRoster(): void {
    this.roster.clear();
  }

  /**
   * How secret an event's text is, decided before the inbox first writes it (secrecy.ts): the
   * grammar's reading of it, with the command's `secret` mark.
   */
  secrecy(incoming: Incoming): Secrecy {
    const c = incoming.content;
    if (c.type !== 'text') return secrecyOf(incoming, undefined);
    const username = this.deps.usernameOf(incoming.chat.platform);
    const parsed = parseMessage(c.text, {
      botUsernames: username ? [username] : [],
      botNames: this.deps.botNames,
      mentionsBot: c.mentionsBot,
      textWithoutMention: c.textWithoutMention,
      addressed: incoming.chat.kind === 'private',
      resolve: this.deps.registry.resolve,
    });
    return secrecyOf(incoming, parsed, (name) => this.deps.registry.get(name)?.secret === true);
  }

  /**
   * Routes an event; `eventKey` prefixes the idempotency keys of the replies; `marks` receives
   * what the handler asked for (redaction), also when it throws; `event` what the inbox knows
   * already (the roster version its claim read, when it recorded the event).
   */
  async route(tx: Tx, incoming: Incoming, eventKey: string, marks: EventMarks = { redact: false }, event: EventFacts = {}): Promise<RouteResult> {
    const outgoing: OutboxItem[] = [];
    let chatRef: ChatRef = incoming.chat;
    let text: string;
    let mentionsBot = false;
    let textWithoutMention: string | undefined;
    const content = incoming.content;
    if (content.type === 'poll_answer') {
      const link = await tx.nativePoll.findUnique({
        where: { platform_nativePollId: { platform: incoming.chat.platform, nativePollId: content.nativePollId } },
      });
      if (!link || content.optionIndexes.length === 0) return { outgoing, ignored: true };
      chatRef = { platform: incoming.chat.platform, chatId: link.chatId, kind: 'group' };
      text = `${link.answerCommand} ${content.optionIndexes.map((i) => i + 1).join(' ')}`;
    } else if (content.type === 'button') {
      text = content.data;
    } else {
      text = content.text;
      mentionsBot = content.mentionsBot;
      textWithoutMention = content.textWithoutMention;
    }

    await this.roster.sync(tx, event.rosterVersion); // before any roster read (roster-cache.ts)
    const chat = await resolveChat(tx, chatRef, this.roster);
    const { member } = await resolveMember(tx, incoming.actor, chat, this.deps.policy, this.roster);
    const ctx = this.context(tx, incoming, chat, member ?? guestOf(incoming), outgoing, eventKey, marks, event.receivedAt ?? this.deps.clock.now());

    const username = this.deps.usernameOf(chatRef.platform);
    const parsed = parseMessage(text, {
      botUsernames: username ? [username] : [],
      botNames: this.deps.botNames,
      mentionsBot,
      textWithoutMention,
      addressed: chatRef.kind === 'private',
      resolve: this.deps.registry.resolve,
    });
    if (parsed.kind !== 'text' && !this.withinFloodLimit(ctx)) return { outgoing, ignored: outgoing.length === 0 };
    if (member === null || isUnboundGroup(chat)) return this.outsider(ctx, member !== null, parsed, outgoing);
    if (parsed.kind === 'unknown_command') {
      ctx.reply(ctx.t('core.error.unknown', { word: parsed.word }));
      return { outgoing, ignored: false };
    }
    if (parsed.kind === 'text') {
      const files = attachmentsOnly(incoming);
      if (files) return { outgoing, ignored: !(await offerAttachments(this.deps.registry.features, ctx, files, (fn) => this.guard(ctx, fn))) };
      if (!parsed.text && !parsed.addressed) return { outgoing, ignored: true };
      if (await this.guard(ctx, () => this.bareAnswer(ctx, parsed.text))) return { outgoing, ignored: false };
      for (const f of this.deps.registry.features) {
        if (f.onPlainText && (await this.guard(ctx, () => f.onPlainText!(ctx, parsed.text)))) return { outgoing, ignored: false };
      }
      if (!parsed.addressed) return { outgoing, ignored: true };
      ctx.reply(looksLikeAnswer(parsed.text) ? ctx.t('core.answer.nothing') : await welcomeText(ctx));
      return { outgoing, ignored: false };
    }
    const spec = this.deps.registry.get(parsed.name)!;
    await this.runCommand(ctx, spec, parsed.argText, parsed.rawArgText);
    return { outgoing, ignored: false };
  }

  /**
   * An outsider's message (see `CommandSpec.outsiders`): in a group not bound to a unit only the
   * outsiders' commands a known member's role admits run (an admin's /bindchat, /help with its
   * bind line), the admin's other commands and anyone's /help get the bind hint, the rest is silence;
   * in a private chat a stranger may run /join and gets the join hint for anything else; a removed
   * member in a bound group is told they are not on the roster, for commands only.
   */
  private async outsider(ctx: Context, known: boolean, parsed: ReturnType<typeof parseMessage>, outgoing: OutboxItem[]): Promise<RouteResult> {
    const spec = parsed.kind === 'command' ? this.deps.registry.get(parsed.name) : undefined;
    const unbound = isUnboundGroup(ctx.chat);
    const runs = unbound ? known && hasRole(ctx.member, spec?.minRole ?? 'admin') : spec?.outsiders === 'run' && ctx.chat.ref.kind === 'private';
    if (spec?.outsiders && parsed.kind === 'command' && runs) {
      await this.runCommand(ctx, spec, parsed.argText, parsed.rawArgText);
    } else if (spec?.outsiders === 'hint') {
      ctx.reply(ctx.t(unbound ? 'core.outsider.unboundHelp' : ctx.chat.ref.kind === 'private' ? 'core.outsider.joinHint' : 'core.outsider.notOnRoster'));
    } else if (ctx.chat.ref.kind === 'private') {
      ctx.reply(ctx.t('core.outsider.joinHint'));
    } else if (unbound && known && parsed.kind !== 'text' && hasRole(ctx.member, 'admin')) {
      ctx.reply(ctx.t('core.outsider.unboundHelp')); // the one who can bind it learns why nothing runs here
    } else if (!unbound && parsed.kind !== 'text') {
      ctx.reply(ctx.t('core.outsider.notOnRoster'));
    } else {
      return { outgoing, ignored: true };
    }
    return { outgoing, ignored: false };
  }

  /**
   * Counts a command against its sender's limit (flood.ts; managers are not limited): false when
   * it must not run; the first one over the limit gets the one "slow down" reply.
   */
  private withinFloodLimit(ctx: Context): boolean {
    const flood = this.deps.flood;
    if (!flood || hasRole(ctx.member, 'secretary')) return true;
    const person = `${ctx.incoming.actor.platform}\u0000${ctx.incoming.actor.userId}`;
    const verdict = flood.check(person);
    if (verdict === 'warn') ctx.reply(ctx.t('core.error.slowDown', { seconds: flood.secondsUntilFree(person) }));
    return verdict === 'run';
  }

  /** Weighs every feature's claim on a bare answer and acts on the decision; true when it did. */
  private async bareAnswer(ctx: Context, text: string): Promise<boolean> {
    const claims: AnswerClaim[] = [];
    for (const f of this.deps.registry.features) if (f.claimAnswer) claims.push(...(await f.claimAnswer(ctx, text)));
    const decision = settleAnswerClaims(claims);
    switch (decision.kind) {
      case 'run':
        await decision.run();
        return true;
      case 'ask':
        // The lines repeat the answer: a secret ballot's content is kept out of the outbox once sent.
        ctx.reply({ kind: 'text', text: [ctx.t('core.answer.which'), ...decision.options.map((o) => ctx.t('core.answer.whichLine', o))].join('\n'), ephemeral: decision.secret });
        return true;
      case 'reply':
        if (decision.text) ctx.reply(decision.text);
        return true;
      case 'none':
        return false;
    }
  }

  private async runCommand(ctx: Context, spec: CommandSpec<unknown>, argText: string, raw: string): Promise<void> {
    if (!hasRole(ctx.member, spec.minRole)) return ctx.reply(forbidden(ctx, spec.minRole));
    const input: ArgInput = { text: argText, tokens: argTokens(argText), raw };
    const parsed = spec.args.safeParse(input);
    if (!parsed.success) {
      ctx.reply(usageReply(ctx.t, spec));
      return;
    }
    const sub = this.deps.registry.subcommand(spec, spec.subcommandOf?.(parsed.data));
    if (sub && !hasRole(ctx.member, sub.minRole)) return ctx.reply(forbidden(ctx, sub.minRole, sub.refusalKey));
    // A usage error inside a sub-command (`/quiz import` without a file) shows that sub-command's usage.
    const usageSpec = sub ? { ...spec, usageKey: sub.usageKey } : spec;
    await this.guard(ctx, async () => {
      await spec.handler(ctx, parsed.data);
      return true;
    }, usageSpec);
  }

  /**
   * Runs handler code, turning a `UserError` or `UsageError` into a `RefusalError` carrying the
   * text to show; the inbox then rolls back the handler's writes and sends only that text.
   */
  private async guard(ctx: Context, fn: () => Promise<boolean>, spec?: CommandSpec<unknown>): Promise<boolean> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UserError) throw new RefusalError(ctx.t(err.key, err.vars));
      if (err instanceof UsageError && spec) {
        throw new RefusalError(usageReply(ctx.t, spec, err.detailKey ? ctx.t(err.detailKey) : undefined));
      }
      throw err;
    }
  }

  private context(tx: Tx, incoming: Incoming, chat: ChatInfo, member: MemberInfo, outgoing: OutboxItem[], eventKey: string, marks: EventMarks, receivedAt: Date): Context {
    const d = this.deps;
    const caps = (p: Platform) => d.capabilitiesOf(p) ?? TEXT_ONLY_CAPABILITIES;
    const push = (target: ChatRef, message: QueuedMessage | string) => {
      const m: QueuedMessage = typeof message === 'string' ? { kind: 'text', text: message } : message;
      outgoing.push({ chat: target, message: m, key: `${eventKey}:${outgoing.length}` });
    };
    return {
      incoming,
      receivedAt,
      chat,
      member,
      unitId: chat.unitId ?? member.unitId,
      db: tx,
      t: d.translate,
      locale: d.locale,
      timeZone: d.timeZone,
      now: () => d.clock.now(),
      capabilities: caps(chat.ref.platform),
      capabilitiesOf: caps,
      botNames: d.botNames,
      botName: d.botNames[0] ?? DEFAULT_BOT_NAME,
      reply: (m) => push(chat.ref, m),
      units: () => this.roster.units(() => listUnits(tx)),
      send: (target, m) => push(target, m),
      scheduleTask: async (spec) => void (await (d.scheduleTask ?? scheduleTask)(tx, spec)),
      audit: (action, detail) => writeAudit(tx, member.id === GUEST_ID ? null : member.id, action, detail),
      redactEvent: () => {
        marks.redact = true;
      },
      afterCommit: (work) => {
        (marks.afterCommit ??= []).push(work);
      },
      download: async (platform, ref, maxBytes) => {
        const fetch = caps(platform).downloads ? d.downloadFrom?.(platform) : undefined;
        if (!fetch) throw new Error(`${platform} cannot fetch files`);
        return fetch(ref, maxBytes);
      },
    };
  }
}

/** What the inbox knows of an event beyond its content (each defaults to reading it now). */
export interface EventFacts {
  /** The roster version, read by the inbox's claim (roster-cache.ts). */
  readonly rosterVersion?: number;
  /** When the inbox recorded the event (`Context.receivedAt`). */
  readonly receivedAt?: Date;
}

/** A group chat no admin has bound to a unit yet. */
function isUnboundGroup(chat: ChatInfo): boolean {
  return chat.ref.kind === 'group' && chat.unitId === null;
}

/** Who an outsider is while their message is answered: nobody on the roster (id 0, no unit, the lowest role). */
function guestOf(incoming: Incoming): MemberInfo {
  return { id: GUEST_ID, name: incoming.actor.displayName.slice(0, 40), role: 'masses', unitId: null };
}

/** The member id of an outsider's context: no roster row has it (audit rows of an outsider name nobody). */
export const GUEST_ID = 0;

/** The refusal of a command or sub-command to someone below `min`: `refusalKey`, or the roles it needs. */
function forbidden(ctx: Context, min: Role, refusalKey: PromptKey = 'core.error.forbidden'): string {
  return ctx.t(refusalKey, { roles: rolesFrom(min).map((r) => ctx.t(`core.role.${r}`)).join(ctx.t('core.listSeparator')) });
}

/**
 * The answer to a message addressed to the bot that is no command (`你好` in a private chat,
 * `@先锋`): the welcome of the person's role and unit, which points at /help.
 */
async function welcomeText(ctx: Context): Promise<string> {
  const unit = ctx.unitId === null ? undefined : (await listUnits(ctx.db)).find((u) => u.id === ctx.unitId);
  const name = ctx.member.name;
  if (!isPartyMember(ctx.member)) return ctx.t('core.welcome.masses', { name });
  return unit ? ctx.t('core.welcome.member', { name, unit: unit.name }) : ctx.t('core.welcome.noUnit', { name });
}

/**
 * A refusal the user should read (from a `UserError` or `UsageError`): the inbox rolls back the
 * handler's writes and sends only this text.
 */
export class RefusalError extends Error {
  constructor(readonly text: string) {
    super(text);
    this.name = 'RefusalError';
  }
}
