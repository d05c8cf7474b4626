import type { z } from 'zod';
import type { Capabilities, Downloaded } from './adapter.ts';
import type { Attachment, ChatRef, Incoming, OutgoingMessage, Platform, QueuedMessage, Role } from './types.ts';
import type { Prisma } from '../db/generated/sqlite/client.ts';
import type { Scheduler } from '../scheduler/contract.ts';
import type { Db } from '../db/client.ts';
import type { BaseContext } from './context.ts';
import type { UnitRow } from './roster-cache.ts';
import type { PromptKey } from './prompt-keys.ts';

/**
 * A database handle a handler or a feature's store function works with: the transaction the
 * router opened for this event (or the whole client, which has the same model methods).
 */
export type Tx = Prisma.TransactionClient;

/** The speaker as the roster knows them (resolved or registered by the router before a handler runs). */
export interface MemberInfo {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly unitId: number | null;
}

/** The chat as the roster knows it. `unitId` is null until an admin runs /bindchat there. */
export interface ChatInfo {
  readonly id: number;
  readonly ref: ChatRef;
  readonly unitId: number | null;
  readonly masses: boolean;
}

/** A message to send somewhere other than "here" (a private chat, another chat of the unit). */
export interface Delivery {
  readonly chat: ChatRef;
  readonly message: QueuedMessage;
}

/**
 * Turns a `render` message's input into the picture or file it stands for, at send time (outside
 * any transaction; src/outbox/deferred.ts). It reads no database: the input holds everything.
 */
export type Renderer = (input: unknown) => Promise<Extract<OutgoingMessage, { kind: 'image' | 'file' }>>;

/** Translates a prompt key (`<namespace>.<key>` of `prompts/<locale>/<namespace>.yaml`), filling `{name}` placeholders. */
export type Translate = TranslateOf<PromptKey>;

/** A translate over the keys `K` (an adapter's own: `TranslateOf<PlatformPromptKey>`, generated beside it). */
export type TranslateOf<K extends string> = (key: K, vars?: Record<string, string | number>) => string;

/**
 * A translate over any key text, as `translator` builds it: for an adapter's own namespace (left
 * out of `PromptKey`, so core code names no platform) and for tools that walk every key. An
 * unknown key is caught at run time (it throws under tests). Feature code takes `Translate`.
 */
export type TextTranslate = TranslateOf<string>;

/**
 * Everything a handler may use: the base context (database, clock, translation, send, schedule,
 * audit) and the event's chat and speaker. Handlers never see a platform SDK: they read the
 * context, talk to the database through their feature's own functions, and return or `send`
 * outgoing messages.
 */
export interface Context extends BaseContext {
  readonly incoming: Incoming;
  /**
   * When the inbox recorded this event, on the bot's clock: when the member said it, however long
   * it then waited in its chat's lane. Judge a deadline by it (an answer to a quiz question that
   * arrived before the close counts), not by `now()`, the time it is processed.
   */
  readonly receivedAt: Date;
  readonly chat: ChatInfo;
  readonly member: MemberInfo;
  /** The unit this message speaks for: the chat's unit, or in a private chat the member's own. */
  readonly unitId: number | null;
  /** What the platform of this chat can do (native polls? buttons? max text?). */
  readonly capabilities: Capabilities;
  /** The bot's own names (BOT_NAME): a display name copying one never picks a person. */
  readonly botNames?: readonly string[];
  /** Replies in this chat (through the outbox). */
  reply(message: QueuedMessage | string): void;
  /**
   * Every org unit (id, name, kind, parent), as at the start of this event: served from the
   * roster cache (roster-cache.ts), so a hot path pays no statement for it. A handler that writes
   * units itself reads them again with `listUnits` (roster.ts).
   */
  units(): Promise<readonly UnitRow[]>;
  /**
   * Marks the event being handled as sensitive (a secret ballot, a receipt code): the inbox then
   * stores it without its text (`[redacted]`), in the same transaction as the handler's writes,
   * and also when the handler refuses or fails. Call it before anything that may throw.
   */
  redactEvent(): void;
  /**
   * Work to run once this event's transaction has committed, on the whole client and in
   * transactions of its own (staged secret ballots are written apart from the voter's
   * transaction). Not run when the event rolls back; an error in it is logged, never shown.
   */
  afterCommit(work: (db: Db) => Promise<void>): void;
  /**
   * Fetches a photo or file sent on `platform` by its reference (the adapter's `download`; size
   * checked before reading). Throws DownloadTooBigError past `maxBytes`, or an error when the
   * platform cannot fetch files (its `downloads` capability is false). Call it after the commit.
   */
  download(platform: Platform, ref: string, maxBytes: number): Promise<Downloaded>;
}

/** What `parse` receives: the command's argument text, normalised (half-width, single spaces). */
export interface ArgInput {
  /** Everything after the command name, trimmed. */
  readonly text: string;
  /** `text` split on spaces. */
  readonly tokens: readonly string[];
  /** The arguments as typed (only invisible characters removed), for free text such as a suggestion. */
  readonly raw: string;
}

/**
 * One command of the spec. `args` is a zod schema over `ArgInput` that yields the handler's typed
 * arguments; a failed parse makes the router reply with `usage` and record nothing.
 */
export interface CommandSpec<A = unknown> {
  /** Canonical ASCII name, e.g. `pledge`. */
  readonly name: string;
  /** Chinese (and other) aliases, e.g. `['承诺']`. */
  readonly aliases: readonly string[];
  /** The lowest role that may run it (roles above it may too); the router checks it through `policy.ts`. */
  readonly minRole: Role;
  /** Prompt key of the one-line summary shown by /help (checked by tsc: `PromptKey`). */
  readonly summaryKey: PromptKey;
  /** Prompt key of the usage line with an example, shown on a malformed command. */
  readonly usageKey: PromptKey;
  /** Parses the arguments; any zod issue is a usage error. */
  readonly args: z.ZodType<A, ArgInput>;
  readonly handler: (ctx: Context, args: A) => Promise<void>;
  /**
   * The text of this command is a secret (a ballot, a receipt code): the inbox stores its event
   * redacted from the first write, and a late or unfinished one is answered "please send again".
   */
  readonly secret?: boolean;
  /**
   * Its sub-commands (`/quiz import`, `/pledges 免提醒`), each with its own minimum role, shown by
   * /help and covered by the authorization matrix. `subcommandOf` names the one parsed arguments
   * ask for; the router checks that sub-command's role before the handler runs.
   */
  readonly subcommands?: readonly SubcommandSpec[];
  readonly subcommandOf?: (args: A) => string | undefined;
  /**
   * What the command does for an outsider — someone not on the roster (a stranger, a removed
   * member) or anyone in a group not bound to a unit: `run` runs it (for those its `minRole`
   * admits in an unbound group, e.g. an admin's /bindchat; for a stranger in a private chat, e.g.
   * /join), `hint` answers how to get bound or join (/help). Absent: the outsider gets nothing
   * (an unbound group) or the join hint (a private chat).
   */
  readonly outsiders?: 'run' | 'hint';
}

/** A sub-command: a form of its command with a role of its own (see `CommandSpec.subcommands`). */
export interface SubcommandSpec {
  /** Its name after the command's, e.g. `import` for `/quiz import`. */
  readonly name: string;
  /** The lowest role that may run it. */
  readonly minRole: Role;
  /** Prompt key of its /help line. */
  readonly summaryKey: PromptKey;
  /** Prompt key of its usage with an example. */
  readonly usageKey: PromptKey;
  /** Prompt key of the refusal for a lower role (default `core.error.forbidden`, naming the roles). */
  readonly refusalKey?: PromptKey;
}

/** Declares a command with its argument type inferred from the schema. */
export function command<A>(spec: CommandSpec<A>): CommandSpec<unknown> {
  return spec as CommandSpec<unknown>;
}

/**
 * A feature slice: its commands, and optionally how it claims plain messages that are not
 * commands (bare answers like `1`, `Ａ`, `95分` while a quiz question or rating awaits this person).
 */
export interface Feature {
  readonly name: string;
  readonly commands: readonly CommandSpec<unknown>[];
  /** Returns true when it handled the plain text as an answer; the router then stops. */
  readonly onPlainText?: (ctx: Context, text: string) => Promise<boolean>;
  /**
   * What a bare answer (`1`, `A`, `95`) could be for in this feature, WITHOUT recording anything:
   * every open item awaiting this person's answer that the text fits, or the reply for an item they
   * have already answered. The router weighs the claims of every feature before any runs (see
   * `settleAnswerClaims`), so a quiz and a poll open in one chat never swallow each other's answers.
   */
  readonly claimAnswer?: (ctx: Context, text: string) => Promise<AnswerClaim[]>;
  /**
   * A message holding only photos or files (no text), from a unit's group or a private chat: the
   * record of this sender's that would take them (e.g. the minutes they entered here minutes ago),
   * WITHOUT writing anything; null when none. The router runs the latest claim of all features
   * (attachments-route.ts); no claim: the message is ignored, with no reply.
   */
  readonly claimAttachments?: (ctx: Context, attachments: readonly Attachment[]) => Promise<AttachmentClaim | null>;
  /** Lines this feature adds to /whoami (e.g. points and streak), in the caller's language. */
  readonly profileLines?: (ctx: Context) => Promise<string[]>;
  /** Registers the feature's recurring jobs and one-off task runners. */
  readonly jobs?: (scheduler: Scheduler) => void;
  /**
   * This feature's sections of `/report` for one unit and period (check-in rate, quiz
   * participation, poll turnout, attendance, the annual evaluation…), in the caller's language;
   * a section with `export` also offers a table to `/export <key>`. The `/report` and `/export`
   * commands show every feature's sections in feature order.
   */
  readonly reportSections?: (ctx: Context, scope: ReportScope) => Promise<ReportSection[]>;
  /**
   * The table of one item shown as `#N` (`/export #N`) when this feature owns it, else null (the
   * next feature is asked). Ids are unique per kind, so a feature claims only its own kind.
   */
  readonly exportById?: (ctx: Context, id: number) => Promise<CsvTable | null>;
  /**
   * Renderers of this feature's pictures and files by name (`polls.chart`): a `render` message
   * names one, and the outbox runs it when it sends the message, after the transaction commits.
   */
  readonly renderers?: Readonly<Record<string, Renderer>>;
}

/** A feature's claim on an attachment-only message (`Feature.claimAttachments`). */
export interface AttachmentClaim {
  /** When the record claiming them was made: the latest claim wins. */
  readonly at: Date;
  /** Attaches them (writes in the event's transaction, replies, stores the files after commit). */
  readonly run: () => Promise<void>;
}

/**
 * A feature's claim on a bare answer: an item awaiting the person's answer (`run` records it;
 * `command` is the explicit form that does the same, shown when the bot must ask which is meant),
 * or an item they already answered (`reply` says so, used only when nothing else awaits them).
 */
export type AnswerClaim =
  | {
      readonly kind: 'awaiting';
      readonly label: string;
      readonly command: string;
      readonly run: () => Promise<void>;
      /** The answer is a secret ballot's content: a reply that repeats `command` is kept out of the outbox once sent. */
      readonly secret?: boolean;
    }
  /** `reply` empty: the feature already answered (e.g. a private hint) and the router adds nothing. */
  | { readonly kind: 'answered'; readonly reply: string };

/** What `/report` covers: one org unit (a branch, or the township with its branches) over a period. */
export interface ReportScope {
  readonly unitId: number;
  readonly unitName: string;
  /** `township` or `branch`. */
  readonly unitKind: string;
  /** Start of the period (inclusive), UTC: 1 January of the year in the org time zone. */
  readonly from: Date;
  /** End of the period (exclusive): now, or 1 January of the next year for a past year. */
  readonly to: Date;
}

/** One titled block of `/report`, optionally with a table `/export` can send. */
export interface ReportSection {
  readonly title: string;
  readonly lines: readonly string[];
  readonly export?: SectionExport;
}

/** A table for `/export`: a file name (without `.csv`) and rows of cells, the header first. */
export interface CsvTable {
  readonly fileName: string;
  readonly rows: readonly (readonly string[])[];
}

/** A section's table, picked by `/export <key>` (or one of `aliases`, e.g. `承诺`). */
export interface SectionExport extends CsvTable {
  readonly key: string;
  readonly aliases: readonly string[];
}

/**
 * Thrown by a handler to refuse with a clear message (a prompt key and its variables): the
 * router replies with it, rolls back everything the handler wrote, and marks the event done.
 */
export class UserError extends Error {
  constructor(
    readonly key: PromptKey,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(key);
    this.name = 'UserError';
  }
}

/** Thrown by a handler when the arguments parse but make no sense: the router replies with the usage. */
export class UsageError extends Error {
  constructor(readonly detailKey?: PromptKey) {
    super('usage');
    this.name = 'UsageError';
  }
}
