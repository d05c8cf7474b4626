import type { Capabilities } from './adapter.ts';
import type { Actor, Attachment, ChatRef, Incoming, Platform } from './types.ts';
import type { Translate, Tx } from './feature.ts';
import { RefusalError, type EventMarks, type Router } from './router.ts';
import { enqueueMessages, type OutboxItem } from '../outbox/enqueue.ts';
import { EVENT_TX_OPTIONS } from '../db/transactions.ts';
import type { Db } from '../db/client.ts';
import type { Transact } from '../db/group-commit.ts';
import { Prisma } from '../db/generated/sqlite/client.ts';
import type { Secrecy } from './secrecy.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

/** What the inbox needs. */
export interface InboxDeps {
  readonly db: Db;
  readonly router: Router;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly translate: Translate;
  readonly capabilitiesOf: (platform: Platform) => Capabilities | undefined;
  /** Events older than this when they arrive (replays after a reconnect) are recorded, not answered (judged at recording, not at processing). */
  readonly maxEventAgeMs: number;
  /** Called after messages were enqueued (wakes the outbox). */
  readonly onEnqueued: () => void;
  /**
   * Runs one event's transaction and resolves once it has committed: on SQLite a group commit
   * (db/group-commit.ts), on PostgreSQL one transaction each (`eventTransactions`). Default: one
   * transaction each, EVENT_TX_OPTIONS.
   */
  readonly transact?: Transact;
}

/** An event `Inbox.record` stored, to be processed by `Inbox.processRecorded`. */
export interface RecordedEvent {
  readonly id: number;
  readonly incoming: Incoming;
  readonly secrecy: Secrecy;
  /** When it was recorded (the bot's clock): when the member said it, as the bot judges deadlines. */
  readonly receivedAt: Date;
}

/** How recording one event of a batch ended (`Inbox.recordMany`): recorded or a duplicate, or its own error. */
export type RecordAttempt = { readonly ok: true; readonly value: RecordedEvent | 'duplicate' } | { readonly ok: false; readonly error: unknown };

/** How one delivery of an event ended. */
export type ReceiveOutcome = 'done' | 'ignored' | 'refused' | 'failed' | 'duplicate' | 'stale';

/**
 * The durable front door. Each event is first recorded (unique platform + event id, so a second
 * delivery does nothing), then processed in one transaction (`InboxDeps.transact`; on SQLite a
 * savepoint inside a transaction shared with other chats' events): the router's handler writes,
 * the replies into the outbox, and the event's status change commit together or not at all. A handler
 * that throws leaves nothing half-written: the event is marked failed with the error, the user
 * gets a short apology, and the next event is handled normally.
 */
export class Inbox {
  private readonly transact: Transact;

  constructor(private readonly deps: InboxDeps) {
    this.transact = deps.transact ?? ((work) => deps.db.$transaction(work, EVENT_TX_OPTIONS));
  }

  /** Records and processes one event (tests, benchmarks, the intake without lanes). Never throws for a handler error. */
  receive = async (incoming: Incoming): Promise<ReceiveOutcome> => {
    const recorded = await this.record(incoming);
    return recorded === 'duplicate' ? recorded : this.processRecorded(recorded);
  };

  /**
   * Records one event (unique platform + event id): 'duplicate' when it was recorded before. Once
   * this resolves the event is durable: a crash before `processRecorded` leaves it to `recover`.
   */
  record = async (incoming: Incoming): Promise<RecordedEvent | 'duplicate'> => {
    const [attempt] = await this.recordMany([incoming]);
    if (!attempt!.ok) throw attempt!.error;
    return attempt!.value;
  };

  /**
   * Records several events with as few statements as it can (`insertEvents`: one multi-row
   * INSERT per `RECORD_BATCH_MAX_ROWS`), each told apart: recorded, a duplicate (recorded before,
   * or earlier in the same batch: a redelivery), or an error of its own. When a batch's statement
   * fails (one value the database refuses), its events are recorded one by one, so one bad event
   * fails alone. Every event of the batch is recorded at the same `receivedAt`: now. Never rejects.
   */
  recordMany = async (incomings: readonly Incoming[]): Promise<RecordAttempt[]> => {
    const receivedAt = this.deps.clock.now();
    const out: RecordAttempt[] = new Array(incomings.length);
    const rows: { at: number; incoming: Incoming; payload: string; secrecy: Secrecy }[] = [];
    const first = new Set<string>();
    incomings.forEach((incoming, at) => {
      try {
        // Decided before the first write: a secret's text must never reach a row (secrecy.ts).
        const secrecy = this.deps.router.secrecy(incoming);
        const payload = secrecy === 'open' ? JSON.stringify(incoming) : redactedPayload(incoming, secrecy);
        const key = eventKey(incoming);
        // A redelivery inside the batch: the first of them is the one stored (and processed).
        if (first.has(key)) {
          out[at] = { ok: true, value: 'duplicate' };
        } else {
          rows.push({ at, incoming, payload, secrecy });
          first.add(key);
        }
      } catch (error) {
        out[at] = { ok: false, error };
      }
    });
    for (let i = 0; i < rows.length; i += RECORD_BATCH_MAX_ROWS) {
      const chunk = rows.slice(i, i + RECORD_BATCH_MAX_ROWS);
      const ids = await this.insertChunk(chunk, receivedAt);
      chunk.forEach((r, k) => {
        const id = ids[k]!;
        out[r.at] = id instanceof Error ? { ok: false, error: id.cause } : { ok: true, value: id === null ? 'duplicate' : { id, incoming: r.incoming, secrecy: r.secrecy, receivedAt } };
      });
    }
    return out;
  };

  /** One statement for the chunk; if it fails, one per event (each id, null for a duplicate, or its own error). */
  private async insertChunk(chunk: readonly EventRow[], receivedAt: Date): Promise<(number | null | Error)[]> {
    try {
      return await insertEvents(this.deps.db, chunk, receivedAt);
    } catch (err) {
      if (chunk.length === 1) return [new Error('not recorded', { cause: err })];
      this.deps.logger.warn({ err: errorText(err), events: chunk.length }, 'recording a batch failed: recording its events one by one');
      const each: (number | null | Error)[] = [];
      for (const r of chunk) {
        try {
          each.push(await insertEvent(this.deps.db, r.incoming, r.payload, receivedAt));
        } catch (error) {
          each.push(new Error('not recorded', { cause: error }));
        }
      }
      return each;
    }
  }

  /** Processes an event `record` stored; never throws for a handler error. */
  processRecorded = (event: RecordedEvent): Promise<ReceiveOutcome> => this.process(event.id, event.incoming, event.secrecy, event.receivedAt);

  /**
   * Processes events recorded but never finished (the process died mid-way), oldest first.
   * `olderThanMs` leaves alone events another instance may be processing right now.
   */
  async recover(olderThanMs = 0): Promise<number> {
    const cutoff = new Date(this.deps.clock.now().getTime() - olderThanMs);
    const rows = await this.deps.db.inboundEvent.findMany({
      where: { status: 'received', receivedAt: { lte: cutoff } },
      orderBy: { id: 'asc' },
      select: { id: true, payload: true, receivedAt: true },
    });
    for (const r of rows) {
      const incoming = reviveIncoming(r.payload);
      const secrecy = redactedKind(r.payload);
      // A secret's text was never stored: its sender is asked to send it again.
      if (secrecy) await this.dropLate(r.id, incoming, secrecy, 'redacted before a restart');
      else await this.process(r.id, incoming, 'open', r.receivedAt);
    }
    return rows.length;
  }

  /**
   * Marks an event that cannot be answered (too old, or its text was never stored) ignored; a
   * secret one (a vote, a private message) gets "arrived late, please send it again".
   */
  private async dropLate(id: number, incoming: Incoming, secrecy: Secrecy, reason: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.transact(async (tx) => {
      const { count } = await tx.inboundEvent.updateMany({ where: { id, status: 'received' }, data: { status: 'ignored', error: reason, processedAt: now } });
      if (count !== 1 || secrecy !== 'secret') return;
      const text = this.deps.translate('core.error.lateSecret');
      await enqueueMessages(tx, [{ chat: incoming.chat, message: { kind: 'text', text }, key: `evt:${id}:late`, reply: true }], this.deps.capabilitiesOf, now);
    });
    if (secrecy === 'secret') this.deps.onEnqueued();
  }

  private async process(id: number, incoming: Incoming, secrecy: Secrecy, receivedAt: Date): Promise<ReceiveOutcome> {
    const { clock, logger } = this.deps;
    const now = clock.now();
    // Old when it ARRIVED (a replay after a reconnect), not when its turn came: an event that
    // waited in its chat's lane, or through a restart, is still answered.
    const age = receivedAt.getTime() - new Date(incoming.sentAt).getTime();
    if (age > this.deps.maxEventAgeMs) {
      await this.dropLate(id, incoming, secrecy, 'stale');
      return 'stale';
    }
    const eventKey = `evt:${id}`;
    const marks: EventMarks = { redact: false };
    try {
      const outcome = await this.transact(this.forgetRosterOnThrow(async (tx) => {
        // Claim first: a concurrent processor of the same row (another instance's recovery) waits here and then finds it taken.
        const claim = await claimEvent(tx, id, now);
        if (!claim) return 'duplicate' as const;
        const result = await this.deps.router.route(tx, incoming, eventKey, marks, { rosterVersion: claim.rosterVersion, receivedAt });
        // One more write of the row, and only when routing asked for it (ignored, or to be redacted).
        // An event recorded redacted already (a /vote, anything private) needs no second redaction.
        const redact = marks.redact && secrecy === 'open';
        if (result.ignored || redact) {
          await tx.inboundEvent.updateMany({
            where: { id },
            data: { ...(result.ignored ? { status: 'ignored' } : {}), ...(redact ? { payload: redactedPayload(incoming) } : {}) },
          });
        }
        // The claim above is this event's, once: no reply keyed `evt:<id>:<n>` can exist yet.
        if (result.outgoing.length) await enqueueMessages(tx, asReplies(result.outgoing, incoming.chat), this.deps.capabilitiesOf, now, { freshKeys: true });
        return result.ignored ? ('ignored' as const) : ('done' as const);
      }));
      await this.runAfterCommit(marks);
      return outcome;
    } catch (err) {
      this.deps.router.forgetRoster();
      const refused = err instanceof RefusalError;
      if (!refused) {
        logger.error({ err, eventId: incoming.eventId, platform: incoming.chat.platform, chatId: incoming.chat.chatId }, 'handler failed');
      }
      const text = refused ? err.text : this.deps.translate('core.error.apology');
      const message = errorText(err);
      await this.transact(async (tx) => {
        await tx.inboundEvent.updateMany({
          where: { id, status: 'received' },
          data: {
            ...(refused ? { status: 'done', processedAt: now } : { status: 'failed', error: message, processedAt: now }),
            ...(marks.redact && secrecy === 'open' ? { payload: redactedPayload(incoming) } : {}),
          },
        });
        await enqueueMessages(tx, [{ chat: incoming.chat, message: { kind: 'text', text }, key: `${eventKey}:${refused ? 'refusal' : 'apology'}`, reply: true }], this.deps.capabilitiesOf, now);
      });
      return refused ? 'refused' : 'failed';
    } finally {
      this.deps.onEnqueued();
    }
  }

  /**
   * Drops the roster cache the moment an event's work throws, before its rollback: in a group
   * commit (db/group-commit.ts) the next event of the batch runs right after this one is rolled
   * back to its savepoint, and must not read what this one cached from its own uncommitted writes.
   */
  private forgetRosterOnThrow<T>(work: (tx: Tx) => Promise<T>): (tx: Tx) => Promise<T> {
    return async (tx) => {
      try {
        return await work(tx);
      } catch (err) {
        this.deps.router.forgetRoster();
        throw err;
      }
    };
  }

  /** Runs the handler's after-commit work (its own transactions); a failure is logged, not shown. */
  private async runAfterCommit(marks: EventMarks): Promise<void> {
    for (const work of marks.afterCommit ?? []) {
      try {
        await work(this.deps.db);
      } catch (err) {
        this.deps.logger.error({ err: errorText(err) }, 'after-commit work failed');
      }
    }
  }
}

/**
 * Stores one inbound event, once per platform and event id: its row id, or null when it was
 * stored before (a redelivery). One typed raw statement on every message: `ON CONFLICT DO
 * NOTHING` tells a duplicate without an error (on PostgreSQL an error would abort a transaction),
 * and costs a third of Prisma's `create` (bench/inbound.ts `per_query_cost`). The SQL is the same
 * on SQLite and PostgreSQL (test/bot/inbox-record.test.ts runs it on both).
 */
export async function insertEvent(db: Tx, incoming: Incoming, payload: string, now: Date): Promise<number | null> {
  const rows = await db.$queryRaw<{ id: number | bigint }[]>(Prisma.sql`
    INSERT INTO "InboundEvent" ("platform", "eventId", "status", "payload", "receivedAt")
    VALUES (${incoming.chat.platform}, ${incoming.eventId}, 'received', ${payload}, ${now})
    ON CONFLICT ("platform", "eventId") DO NOTHING
    RETURNING "id"`);
  const row = rows[0];
  return row ? Number(row.id) : null;
}

/**
 * Most events in one recording statement: 4 bound parameters a row keeps a statement under 999,
 * the strictest limit of SQLite builds (SQLITE_MAX_VARIABLE_NUMBER before 3.32; PostgreSQL allows
 * 65,535), and a batch's payloads small enough to send at once.
 */
export const RECORD_BATCH_MAX_ROWS = 200;

/** One event to store: `insertEvents` takes its platform and event id from `incoming`. */
export interface EventRow {
  readonly incoming: Incoming;
  readonly payload: string;
}

/**
 * Stores several inbound events in ONE statement (a multi-row `INSERT … ON CONFLICT DO NOTHING
 * RETURNING`): for each row, in order, its new id, or null when that platform + event id was
 * stored before. The rows must be distinct by platform + event id (the caller drops a batch's own
 * redeliveries first) and at most RECORD_BATCH_MAX_ROWS. RETURNING names the platform and event
 * id, so rows are matched by key, not by the order the database returns them in. The SQL is the
 * same on SQLite and PostgreSQL (test/bot/inbox-record.test.ts runs it on both).
 */
export async function insertEvents(db: Tx, rows: readonly EventRow[], now: Date): Promise<(number | null)[]> {
  if (rows.length === 0) return [];
  if (rows.length > RECORD_BATCH_MAX_ROWS) throw new Error(`insertEvents: at most ${RECORD_BATCH_MAX_ROWS} rows a statement, not ${rows.length}`);
  const values = rows.map((r) => Prisma.sql`(${r.incoming.chat.platform}, ${r.incoming.eventId}, 'received', ${r.payload}, ${now})`);
  const stored = await db.$queryRaw<{ id: number | bigint; platform: string; eventId: string }[]>(Prisma.sql`
    INSERT INTO "InboundEvent" ("platform", "eventId", "status", "payload", "receivedAt")
    VALUES ${Prisma.join(values)}
    ON CONFLICT ("platform", "eventId") DO NOTHING
    RETURNING "id", "platform", "eventId"`);
  const ids = new Map(stored.map((r) => [`${r.platform}\u0000${r.eventId}`, Number(r.id)]));
  return rows.map((r) => ids.get(eventKey(r.incoming)) ?? null);
}

/** An event's platform and id as one key (unique in `InboundEvent`). */
function eventKey(incoming: Incoming): string {
  return `${incoming.chat.platform}\u0000${incoming.eventId}`;
}

/**
 * Claims a recorded event (status received → done, in the event's transaction: a rollback
 * un-claims it) and reads the roster version (roster-cache.ts) in the same statement, so the
 * router need not read it again: one statement instead of two on every message. A typed raw
 * query because Prisma's `updateMany` returns no columns; the SQL is the same on SQLite and
 * PostgreSQL (test/bot/inbox-claim.test.ts runs it on both). Null: another processor has it.
 */
export async function claimEvent(tx: Tx, id: number, now: Date): Promise<{ rosterVersion: number } | null> {
  const rows = await tx.$queryRaw<{ v: number | bigint | null }[]>(Prisma.sql`
    UPDATE "InboundEvent" SET "status" = 'done', "processedAt" = ${now}
    WHERE "id" = ${id} AND "status" = 'received'
    RETURNING (SELECT "version" FROM "RosterVersion" WHERE "id" = 1) AS "v"`);
  const row = rows[0];
  return row ? { rosterVersion: Number(row.v ?? 0) } : null;
}

/**
 * Marks what an event sends back into its own chat as individual replies (sent after notices,
 * results and questions: `OutboxItem.reply`), unless it posts a question there (a poll or a quiz:
 * then its text goes with the question, in its order). What goes to other chats is not marked.
 */
function asReplies(items: readonly OutboxItem[], chat: ChatRef): OutboxItem[] {
  const here = (i: OutboxItem) => i.chat.platform === chat.platform && i.chat.chatId === chat.chatId;
  if (items.some((i) => here(i) && (i.message.kind === 'poll' || i.message.kind === 'quiz'))) return [...items];
  return items.map((i) => (here(i) ? { ...i, reply: true } : i));
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 1000);
}

/**
 * The stored form of a sensitive event: who and where are kept (the event happened), what was
 * said is not (a secret ballot's choice, a receipt code). `redacted` says which kind it was
 * (secrecy.ts), so a restart knows whom to ask to send it again.
 */
export function redactedPayload(incoming: Incoming, secrecy: Exclude<Secrecy, 'open'> = 'secret'): string {
  const content = { type: 'text', text: '[redacted]', mentionsBot: false } as const;
  return JSON.stringify({ ...incoming, content, redacted: secrecy });
}

/** The kind of a redacted stored payload, or undefined when it was stored as received. */
function redactedKind(payload: string): Exclude<Secrecy, 'open'> | undefined {
  const r = (JSON.parse(payload) as { redacted?: unknown }).redacted;
  return r === 'secret' || r === 'bare' ? r : undefined;
}

/** Rebuilds an Incoming from its stored JSON (dates come back as strings). */
export function reviveIncoming(payload: string): Incoming {
  const raw = JSON.parse(payload) as Incoming & { sentAt: string };
  return { ...raw, sentAt: new Date(raw.sentAt) };
}

/** Most recorded events looked at by `recentAttachments` (a busy group's ten minutes). */
const RECENT_EVENT_LIMIT = 500;

/**
 * The photos and files person `actor` sent in chat `chat` (each as its own message or with a
 * caption) among the events recorded in [`from`, `to`], oldest first: what a command such as
 * /minutes takes as evidence sent shortly before it.
 */
export async function recentAttachments(db: Tx, chat: ChatRef, actor: Actor, from: Date, to: Date): Promise<Attachment[]> {
  const rows = await db.inboundEvent.findMany({
    where: { platform: chat.platform, receivedAt: { gte: from, lte: to } },
    orderBy: { id: 'desc' },
    take: RECENT_EVENT_LIMIT,
    select: { payload: true },
  });
  const out: Attachment[] = [];
  for (const r of rows.reverse()) {
    let e: Incoming;
    try {
      e = reviveIncoming(r.payload);
    } catch {
      continue;
    }
    if (e.chat?.chatId !== chat.chatId || e.actor?.userId !== actor.userId || e.content?.type !== 'text') continue;
    for (const a of e.content.attachments ?? []) out.push({ kind: a.kind, ref: a.ref, ...(a.name ? { name: a.name } : {}) });
  }
  return out;
}
