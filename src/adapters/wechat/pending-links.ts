/**
 * People the bot could not find again after a login without guessing (their remark is gone and
 * their name is shared in the room, or they are nowhere to be seen). Each gets a six-digit code,
 * which the admins receive privately; the contacts who might be them are asked once, privately,
 * to get the code from their secretary and send it. Until then their messages are held back, so
 * nothing of theirs (a second member, a second ballot) is created. Kept in a 0600 file so a
 * restart does not lose the codes.
 */
import { readFile } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import type { KnownPerson } from '../../bot/identity-links.ts';
import { writePrivateFile } from './private-files.ts';

/** One lost person waiting for their code. */
export interface PendingLink {
  readonly person: KnownPerson;
  readonly code: string;
  /** Contacts asked for the code (asked once each). */
  readonly asked: string[];
  /** Wrong codes tried so far. */
  wrongTries: number;
}

/** Wrong codes after which a contact's tries are ignored. */
const MAX_WRONG_TRIES = 5;

/** Full-width digits and spaces in a typed code are fine: `１２３ ４５６`. */
function normalizeCode(text: string): string {
  return text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000]/g, '');
}

/** The lost people of one account and their codes. */
export class PendingLinks {
  private entries: PendingLink[] = [];

  constructor(private readonly file: string) {}

  /** Reads the file, if there is one. */
  async load(): Promise<void> {
    try {
      this.entries = JSON.parse(await readFile(this.file, 'utf8')) as PendingLink[];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** Everyone waiting. */
  get all(): readonly PendingLink[] {
    return this.entries;
  }

  /** Adds a lost person (or returns their existing entry); new ones get a fresh code. */
  async add(person: KnownPerson): Promise<PendingLink> {
    const existing = this.entries.find((e) => e.person.memberId === person.memberId);
    if (existing) return existing;
    const taken = new Set(this.entries.map((e) => e.code));
    let code: string;
    do code = String(randomInt(100_000, 1_000_000));
    while (taken.has(code));
    const entry: PendingLink = { person, code, asked: [], wrongTries: 0 };
    this.entries.push(entry);
    await this.save();
    return entry;
  }

  /** Records that `contactId` was asked for `entry`'s code; false when they were asked before. */
  async markAsked(entry: PendingLink, contactId: string): Promise<boolean> {
    if (this.entries.some((e) => e.asked.includes(contactId))) return false;
    entry.asked.push(contactId);
    await this.save();
    return true;
  }

  /** Whether `contactId` was asked for a code and has not sent it yet (their messages are held). */
  isAsked(contactId: string): boolean {
    return this.entries.some((e) => e.asked.includes(contactId));
  }

  /** Lost people a contact of this name might be. */
  byName(name: string): PendingLink[] {
    return this.entries.filter((e) => e.person.displayName === name || e.person.name === name);
  }

  /**
   * A message from `contactId`: the entry whose code it is (removed: the caller re-links), `wrong`
   * for a code-looking text that matches none, or undefined for anything else.
   */
  async take(contactId: string, text: string): Promise<PendingLink | 'wrong' | undefined> {
    const code = normalizeCode(text);
    if (!/^\d{6}$/.test(code)) return undefined;
    const entry = this.entries.find((e) => e.code === code);
    if (!entry) {
      const asked = this.entries.find((e) => e.asked.includes(contactId));
      if (!asked || asked.wrongTries >= MAX_WRONG_TRIES) return undefined;
      asked.wrongTries++;
      await this.save();
      return 'wrong';
    }
    this.entries = this.entries.filter((e) => e !== entry);
    for (const e of this.entries) e.asked.splice(0, e.asked.length, ...e.asked.filter((id) => id !== contactId));
    await this.save();
    return entry;
  }

  /** Forgets a person found meanwhile (e.g. re-linked by their remark at a later login). */
  async drop(memberIds: ReadonlySet<number>): Promise<void> {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => !memberIds.has(e.person.memberId));
    if (this.entries.length !== before) await this.save();
  }

  private async save(): Promise<void> {
    await writePrivateFile(this.file, JSON.stringify(this.entries));
  }
}
