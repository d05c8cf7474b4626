/**
 * The platform-neutral vocabulary of the bot: who speaks, where, what they sent and what the bot
 * sends back. Adapters translate their SDK's objects into these; nothing else sees an SDK type.
 */

/**
 * The name of a chat platform the bot can live on (e.g. `console`): a platform module's
 * `name` (`src/bot/platform.ts`). The core never lists platforms; `src/adapters/index.ts` does.
 */
export type Platform = string;

/** Where a message was said or is to be sent: a group chat or a private chat with one person. */
export interface ChatRef {
  readonly platform: Platform;
  /** The platform's own id of the chat (a group or room id, a contact id, a console chat name). */
  readonly chatId: string;
  readonly kind: 'group' | 'private';
  /** Human-readable name (group topic), refreshed on every message; shown in reports. */
  readonly title?: string;
}

/** A person as a platform knows them. Roles never come from here: they come from the roster. */
export interface Actor {
  readonly platform: Platform;
  /** The platform's stable user id (a numeric or string user id, a console name). */
  readonly userId: string;
  /** Display name, refreshed on every message. */
  readonly displayName: string;
  /** The platform handle (an @username, without `@`), when the platform has one; stored when seen. */
  readonly username?: string;
}

/**
 * A person a message names with a platform mention: the mention as written (`@li_si`) and who it
 * is, by platform identity (`actor`, when the platform says) or by handle (`username`, resolved
 * through the usernames the roster stored).
 */
export type MentionedPerson =
  | { readonly span: string; readonly actor: Actor }
  | { readonly span: string; readonly username: string };

/** A photo or file delivered with a message, kept as a reference (never downloaded by the core). */
export interface Attachment {
  readonly kind: 'photo' | 'file';
  /** Platform reference to fetch it later (a file id or message id). */
  readonly ref: string;
  readonly name?: string;
  /**
   * The content of a small text document (`.csv` or `.txt`, at most TEXT_ATTACHMENT_MAX_BYTES),
   * read by the adapter BEFORE the event is recorded, so it is processed from the inbox like the
   * rest of the message (e.g. `/quiz import 名称` sent as a file's caption). Absent for photos,
   * other or larger files, or when the download failed (`textError` says why).
   */
  readonly text?: string;
  /** Why a text document's content is missing: `tooBig` or `unreadable` (download or decoding failed). */
  readonly textError?: 'tooBig' | 'unreadable';
}

/** What arrived. Every variant ends up as a text command or a bare answer in the router. */
export type IncomingContent =
  | {
      readonly type: 'text';
      readonly text: string;
      /** True when the message @-mentions the bot (the platform marks the mention). */
      readonly mentionsBot: boolean;
      /** Text of the message with the bot's mention removed, when the platform can tell. */
      readonly textWithoutMention?: string;
      /** The person whose message this one replies to (a platform reply; names a target for /setrole). */
      readonly replyTo?: Actor;
      /** People the message mentions (other than the bot), in order: names targets for /setrole and the like. */
      readonly mentions?: readonly MentionedPerson[];
      readonly attachments?: readonly Attachment[];
    }
  | {
      /** An answer to a native poll the bot sent (a native `poll_answer`). Option indexes are 0-based. */
      readonly type: 'poll_answer';
      readonly nativePollId: string;
      readonly optionIndexes: readonly number[];
    }
  | {
      /** A press on an inline button the bot sent; `data` is the button's command (see Button). */
      readonly type: 'button';
      readonly data: string;
    };

/** One inbound event, normalised. `eventId` is unique per platform and is the dedupe key of the inbox. */
export interface Incoming {
  readonly eventId: string;
  readonly chat: ChatRef;
  readonly actor: Actor;
  /** When the platform says it was sent (used to skip stale replays). */
  readonly sentAt: Date;
  readonly content: IncomingContent;
}

/** A person an outgoing message @-mentions: their platform user id and display name. */
export interface Mention {
  readonly userId: string;
  readonly name: string;
}

/** An inline button. `command` is the command text it stands for, e.g. `/vote #12 3` (≤ 64 bytes). */
export interface Button {
  readonly label: string;
  readonly command: string;
}

/**
 * Something the bot sends. Features produce these and never ask which platform they are on: the
 * outbox renders a `poll` or `quiz` natively where the adapter's capabilities allow, and as the
 * `fallbackText` (numbered text) elsewhere.
 */
export type OutgoingMessage =
  | {
      readonly kind: 'text';
      readonly text: string;
      /** Rows of inline buttons, dropped on platforms without buttons (the text must stand alone). */
      readonly buttons?: readonly (readonly Button[])[];
      /**
       * A secret for its recipient only (a ballot receipt code): the outbox erases the stored text
       * as soon as the message is delivered or given up, so the database keeps no copy of it.
       */
      readonly ephemeral?: boolean;
      /**
       * People this message addresses (a reminder to those who have not voted): each adapter
       * renders them as its platform's own @-mention, or appends `@名字` to the text (`mentions`
       * capability). The text must read well either way.
       */
      readonly mentions?: readonly Mention[];
      /**
       * `low`: may become a group digest when a metered platform's monthly budget nears (a daily
       * question, an individual reminder; src/outbox/meter.ts). Absent: an ordinary message.
       */
      readonly priority?: 'low';
    }
  | {
      /** A choice poll. `answerCommand` + the 1-based option numbers is what a native answer becomes. */
      readonly kind: 'poll';
      readonly question: string;
      readonly options: readonly string[];
      readonly multiple: boolean;
      /** A native poll is used only when not anonymous (a bot cannot see anonymous native votes). */
      readonly anonymous: boolean;
      /** e.g. `/vote #12` — a native vote for options 1 and 3 arrives as `/vote #12 1 3`. */
      readonly answerCommand: string;
      /** Key under which the native poll is remembered, to stop it later, e.g. `poll:12`. */
      readonly nativeKey: string;
      readonly fallbackText: string;
    }
  | {
      /** A quiz question with one correct option. Native answers arrive as `answerCommand` + number. */
      readonly kind: 'quiz';
      readonly question: string;
      readonly options: readonly string[];
      readonly correctIndex: number;
      readonly explanation: string;
      /** Seconds the question stays open (within `maxOpenSeconds` of the platform). */
      readonly openSeconds: number;
      readonly answerCommand: string;
      readonly nativeKey: string;
      readonly fallbackText: string;
    }
  | {
      /** Close a native poll sent earlier under `nativeKey` (no-op where there is none). */
      readonly kind: 'stop_poll';
      readonly nativeKey: string;
    }
  | {
      /** A picture (PNG, base64) with a caption; platforms without images get `fallbackText`. */
      readonly kind: 'image';
      readonly pngBase64: string;
      readonly caption: string;
      readonly fallbackText: string;
    }
  | {
      /** A file (e.g. a CSV export, base64); platforms without files get `fallbackText`. */
      readonly kind: 'file';
      readonly fileName: string;
      readonly mimeType: string;
      readonly contentBase64: string;
      readonly caption: string;
      readonly fallbackText: string;
    };

/**
 * A picture or file the outbox renders when it sends it, after the transaction that queued it has
 * committed (a poll's chart, a CSV export, the printable 台账 page): heavy work never holds the
 * database. `input` is everything the renderer needs (it reads no database), so a render repeated
 * after a crash gives the same bytes. Adapters never see it: the dispatcher turns it into the
 * `image` or `file` it `produces` (src/outbox/deferred.ts); platforms without that get `fallbackText`.
 */
export interface RenderLater {
  readonly kind: 'render';
  /** A renderer a feature registered (`Feature.renderers`), e.g. `polls.chart`. */
  readonly renderer: string;
  /** The renderer's input, stored as JSON in the outbox row. */
  readonly input: unknown;
  /** What the render gives: decides the capability checked when it is queued. */
  readonly produces: 'image' | 'file';
  /** Sent instead on a platform without pictures (or files). */
  readonly fallbackText: string;
  /** Sent instead when the render fails (absent: nothing is sent, the failure is logged). */
  readonly failedText?: string;
}

/** What a feature hands the outbox: a message to send as it is, or one rendered at send time. */
export type QueuedMessage = OutgoingMessage | RenderLater;

/**
 * The roles of the roster, from most to least powerful. `probationary` is a 预备党员: a member in
 * all things but a formal vote (表决) and election (党章第七条).
 */
export type Role = 'admin' | 'secretary' | 'member' | 'probationary' | 'masses';

/** All roles, ordered from most to least powerful. */
export const ROLES: readonly Role[] = ['admin', 'secretary', 'member', 'probationary', 'masses'];
