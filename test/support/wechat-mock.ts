/**
 * A mocked WeChat group for tests: the real Wechaty runs on wechaty-puppet-mock, and this helper
 * plays the other side — the bot's account, the members, the rooms, login and logout — and records
 * what the bot sends. Nothing here sleeps: waits are event-driven with a timeout bound.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { FileBox } from 'file-box';
import { pino, type Logger } from 'pino';
import { types, type payloads } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';

/** A mocked WeChat contact (the bot's account or a member). */
export type MockContact = mock.ContactMock;
/** A mocked WeChat group. */
export type MockRoom = mock.RoomMock;

/**
 * A list that grows as events arrive and lets a test wait until it satisfies a condition. The wait
 * fails with the label and what was seen after `timeoutMs`, so a missing event is a clear failure.
 */
export class Recorder<T> {
  readonly items: T[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  /** Adds an item and wakes the waits it satisfies. */
  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves with the items once `predicate(items)` holds. */
  async until(predicate: (items: readonly T[]) => boolean, label: string, timeoutMs = 5000): Promise<T[]> {
    if (predicate(this.items)) return this.items;
    return new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${label}; saw ${JSON.stringify(this.items, null, 1)}`));
      }, timeoutMs);
      const waiter = {
        check: () => predicate(this.items),
        resolve: () => {
          clearTimeout(timer);
          resolve(this.items);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves with the first item matching `match`, once it has arrived. */
  async find(match: (item: T) => boolean, label: string, timeoutMs = 5000): Promise<T> {
    const items = await this.until((all) => all.some(match), label, timeoutMs);
    return items.find(match) as T;
  }
}

/** One JSON line of a captured pino logger. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A pino logger (level debug) whose lines land in a Recorder, to assert on and to wait for. */
export function captureLogger(): { logger: Logger; lines: Recorder<LogLine> } {
  const lines = new Recorder<LogLine>();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Resolves once the adapter logged its `count`-th login (login is asynchronous in Wechaty). */
export async function loggedIn(lines: Recorder<LogLine>, count = 1): Promise<void> {
  await lines.until((all) => all.filter((l) => l.msg === 'WeChat logged in').length >= count, `login #${count}`);
}

/** A message the bot's account sent, as the mocked WeChat saw it. */
export interface SentByBot {
  readonly id: string;
  /** The room it went to, for group messages. */
  readonly roomId?: string;
  /** The contact it went to, for private messages. */
  readonly listenerId?: string;
  readonly type: types.Message;
  readonly text?: string;
}

/** How `say` sends a member's message. */
export interface SayOptions {
  /** The room (default: the first room) or, for a private message, the bot's contact. */
  readonly to?: MockRoom | MockContact;
  /** Contacts listed as @-mentioned (the bot's account for `@先锋 …`). */
  readonly mentions?: readonly MockContact[];
  /** The message id; default a fresh one. */
  readonly id?: string;
  /** When WeChat says it was sent (ms since epoch); default now. */
  readonly timestamp?: number;
}

/** Everything a test needs to drive a mocked WeChat group. */
export interface MockedWechat {
  readonly mocker: mock.Mocker;
  /** Pass this to `new WechatAdapter({ puppet })`. */
  readonly puppet: RemarkingPuppetMock;
  /** The bot's own WeChat account. */
  readonly botContact: MockContact;
  /** Members by name (`王五#2`: a second 王五), in the order given. */
  readonly members: Record<string, MockContact>;
  /** Rooms by topic, in the order given; every member and the bot are in every room. */
  readonly rooms: Record<string, MockRoom>;
  /** The first room. */
  readonly room: MockRoom;
  /** What the bot's account sent, in order. */
  readonly sent: Recorder<SentByBot>;
  /** Logs the bot's account in (and emits the `ready` PuppetMock never emits by itself). */
  login(): void;
  /** Logs the bot's account out, as WeChat does when the session ends. */
  logout(reason?: string): Promise<void>;
  /** A member says `text` (a text message); returns the message id. */
  say(member: MockContact, text: string, options?: SayOptions): string;
  /** A member sends a picture; returns the message id. */
  sendImage(member: MockContact, to?: MockRoom | MockContact): string;
  /** A member sends a file (`bytes` named `name`); returns the message id. */
  sendFile(member: MockContact, name: string, bytes: Buffer, to?: MockRoom | MockContact): string;
  /** The puppet delivers message `id` again (a replay after a reconnect). */
  redeliver(id: string): void;
  /** Renames a room, as a member would. */
  rename(room: MockRoom, topic: string, by: MockContact): void;
  /**
   * Logs out, then in again as the web protocol (wechat4u) does: every contact, the bot's account
   * and every room get NEW ids (same names, topics and remarks; the old ids are gone). `members`,
   * `rooms`, `room` and `botContact` are updated to the new ones. Resolves once logged in.
   */
  relogin(options?: ReloginOptions): Promise<void>;
  /** Adds a contact (not in any room yet). */
  addContact(name: string): MockContact;
  /** Creates a room of the bot and these contacts. */
  addRoom(topic: string, contacts: readonly MockContact[]): MockRoom;
}

let counter = 0;

/** Pacing for tests about other things: no room gap and no practical cap (the outbox's rate limits still apply). */
export const UNPACED = { roomGapMs: 0, jitterMs: 0, roomDailyCap: 1_000_000, accountDailyCap: 1_000_000 } as const;

/**
 * PuppetMock whose contact remarks (aliases) can be set and read back: the stock mock ignores a set
 * and answers every get with 'mock alias'. WeChat keeps remarks on the account, so they survive a
 * re-login (see `relogin`).
 */
class RemarkingPuppetMock extends PuppetMock {
  /** Every alias set, in order (contact id, alias), to assert on. */
  readonly aliasesSet: { contactId: string; alias: string | null }[] = [];

  override async contactAlias(contactId: string): Promise<string>;
  override async contactAlias(contactId: string, alias: string | null): Promise<void>;
  override async contactAlias(contactId: string, alias?: string | null): Promise<string | void> {
    const payload = this.mocker.contactPayload(contactId);
    if (alias === undefined) return payload.alias ?? '';
    this.aliasesSet.push({ contactId, alias });
    this.mocker.contactPayload(contactId, { ...payload, alias: alias ?? '' });
    await this.contactPayloadDirty(contactId);
  }
}

/** What changes at a simulated re-login besides the ids. */
export interface ReloginOptions {
  /** Members whose remark WeChat lost (removed on the phone): they come back without it. */
  readonly dropRemarks?: readonly string[];
  /** Members who come back with a different name. */
  readonly rename?: Readonly<Record<string, string>>;
}

/**
 * Builds a mocked WeChat: a bot account named `botName` (default `先锋`), the `members`, and the
 * `rooms` (default one room `东北流村党支部`) each holding the bot and every member. Not logged in
 * yet: start the adapter, then call `login()`.
 */
export function createMockedWechat(
  options: { botName?: string; members?: readonly string[]; rooms?: readonly string[] } = {},
): MockedWechat {
  const mocker = new mock.Mocker();
  const puppet = new RemarkingPuppetMock({ mocker });
  let botContact = mocker.createContact({ name: options.botName ?? '先锋' });
  const members: Record<string, MockContact> = {};
  // `王五#2` is a second contact named 王五 (names are not unique in WeChat).
  for (const key of options.members ?? ['张三', '李四']) members[key] = mocker.createContact({ name: key.replace(/#.*$/, '') });
  const rooms: Record<string, MockRoom> = {};
  for (const topic of options.rooms ?? ['东北流村党支部']) {
    rooms[topic] = mocker.createRoom({
      topic,
      memberIdList: [botContact.id, ...Object.values(members).map((m) => m.id)],
    });
  }
  let room = Object.values(rooms)[0];
  if (!room) throw new Error('createMockedWechat needs at least one room');

  const sent = new Recorder<SentByBot>();
  const recordSends = (self: MockContact) =>
    self.on('message', (msg: mock.MessageMock) => {
      const p = msg.payload;
      if (p.talkerId !== self.id) return;
      sent.push({
        id: p.id,
        type: p.type,
        ...('roomId' in p && p.roomId ? { roomId: p.roomId } : {}),
        ...('listenerId' in p && p.listenerId ? { listenerId: p.listenerId } : {}),
        ...(p.text !== undefined ? { text: p.text } : {}),
      });
    });
  recordSends(botContact);

  const emitMessage = (payload: payloads.Message): string => {
    mocker.MessageMock.create(payload);
    puppet.emit('message', { messageId: payload.id });
    return payload.id;
  };

  /** Re-creates a contact under a new id (the old one disappears), keeping its remark unless told. */
  const reissueContact = (old: MockContact, name: string, keepRemark: boolean): MockContact => {
    const { id: _old, alias, ...rest } = mocker.contactPayload(old.id);
    mocker.cacheContactPayload.delete(old.id);
    return mocker.createContact({ ...rest, name, alias: keepRemark ? alias : undefined });
  };

  const wechat: MockedWechat = {
    mocker,
    puppet,
    get botContact() {
      return botContact;
    },
    members,
    rooms,
    get room() {
      return room!;
    },
    sent,
    async relogin(relogin = {}) {
      await puppet.logout('kicked offline');
      const newIds = new Map<string, string>();
      botContact = reissueContact(botContact, mocker.contactPayload(botContact.id).name, true);
      recordSends(botContact);
      for (const [name, contact] of Object.entries(members)) {
        const next = reissueContact(contact, relogin.rename?.[name] ?? mocker.contactPayload(contact.id).name, !relogin.dropRemarks?.includes(name));
        newIds.set(contact.id, next.id);
        members[name] = next;
      }
      for (const [topic, old] of Object.entries(rooms)) {
        const payload = mocker.roomPayload(old.id);
        mocker.cacheRoomPayload.delete(old.id);
        const memberIdList = [botContact.id, ...payload.memberIdList.map((id) => newIds.get(id)).filter((id): id is string => id !== undefined)];
        rooms[topic] = mocker.createRoom({ topic: payload.topic, memberIdList });
      }
      room = Object.values(rooms)[0];
      wechat.login();
    },
    addContact(name) {
      const contact = mocker.createContact({ name });
      members[name] = contact;
      return contact;
    },
    addRoom(topic, contacts) {
      const created = mocker.createRoom({ topic, memberIdList: [botContact.id, ...contacts.map((c) => c.id)] });
      rooms[`${topic}#${Object.keys(rooms).length}`] = created;
      return created;
    },
    login() {
      mocker.login(botContact);
      puppet.emit('ready', { data: 'mock' });
    },
    async logout(reason = 'test logout') {
      await puppet.logout(reason);
    },
    say(member, text, sayOptions = {}) {
      const to = sayOptions.to ?? room!;
      const base = {
        id: sayOptions.id ?? `msg-${process.pid}-${++counter}`,
        talkerId: member.id,
        timestamp: sayOptions.timestamp ?? Date.now(),
        type: types.Message.Text,
        text,
      };
      return emitMessage(
        to instanceof mocker.RoomMock
          ? { ...base, roomId: to.id, mentionIdList: (sayOptions.mentions ?? []).map((c) => c.id) }
          : { ...base, listenerId: to.id },
      );
    },
    sendImage(member, to = room!) {
      const before = mocker.cacheMessagePayload.size;
      const png = FileBox.fromBase64(Buffer.from('not really a png').toString('base64'), 'photo.png');
      member.say(png).to(to);
      const ids = [...mocker.cacheMessagePayload.keys()];
      if (ids.length !== before + 1) throw new Error('the mock did not record the image message');
      return ids[ids.length - 1] as string;
    },
    sendFile(member, name, bytes, to = room!) {
      // The mock's own say(FileBox) types a .csv as Unknown; WeChat delivers it as an Attachment.
      const id = `file-${process.pid}-${++counter}`;
      mocker.cacheFileBoxPayload.set(id, FileBox.fromBase64(bytes.toString('base64'), name).toJSON());
      const base = { id, talkerId: member.id, timestamp: Date.now(), type: types.Message.Attachment, filename: name };
      return emitMessage(to instanceof mocker.RoomMock ? { ...base, roomId: to.id, mentionIdList: [] } : { ...base, listenerId: to.id });
    },
    redeliver(id) {
      puppet.emit('message', { messageId: id });
    },
    rename(target, topic, by) {
      target.topic(topic).by(by);
    },
  };
  return wechat;
}

/** How a run of test/support/wechat-child.ts ended. */
export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when it had to be killed for running past the limit. */
  readonly killed: boolean;
}

/** Vitest timeout for a test that runs a child: a child can take 10+ s to boot on a busy machine. */
export const CHILD_TEST_TIMEOUT_MS = 90_000;

/** Runs test/support/wechat-child.ts `mode` in its own Node process; kills it after `limitMs`. */
export function runChild(mode: string, dataDir: string, limitMs = 75_000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/wechat-child.ts', mode, dataDir], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const limit = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr, killed });
    });
  });
}
