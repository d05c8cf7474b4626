/**
 * The WeChat account's side of identity links: after each login it looks at what the puppet shows
 * (contacts with remarks, rooms with members), runs the reconciliation (relink.ts), gives lost
 * people codes (pending-links.ts) and tells the admins once; while the account runs it tags each
 * newly met contact with its remark and holds back the messages of people asked for a code.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Wechaty } from 'wechaty';
import type { IdentityLinks } from '../../bot/identity-links.ts';
import type { TranslateOf } from '../../bot/feature.ts';
import type { PlatformPromptKey } from './prompt-keys.ts';
import { memberIdOfRemark, reconcile, remarkTag, withoutRemarkTag, type RelinkReport, type SeenContact, type SeenRoom, type SeenWorld } from './relink.ts';
import { PendingLinks, type PendingLink } from './pending-links.ts';

/** The puppet of a running Wechaty. */
type Puppet = Wechaty['puppet'];

/** File (under the data directory) of the codes of people waiting to be re-linked. */
export const PENDING_LINKS_NAME = 'wechat-relink.json';

/** What the relinker needs from the adapter and the core. */
export interface RelinkerOptions {
  readonly identities: IdentityLinks;
  readonly translate: TranslateOf<PlatformPromptKey>;
  readonly logger: Logger;
  readonly dataDir: string;
  /** Least share of a room's stored roll that must be in a room of the same topic to re-link it. */
  readonly threshold: number;
  /** Sends a private text to a contact now (the asks and answers about codes). */
  readonly sayPrivately: (contactId: string, text: string) => Promise<void>;
}

/** Reads everything the reconciliation compares, through the puppet. */
async function seeWorld(puppet: Puppet, selfId: string): Promise<SeenWorld> {
  const contacts: SeenContact[] = [];
  for (const id of await puppet.contactList()) {
    if (id === selfId) continue;
    const p = await puppet.contactPayload(id);
    contacts.push({ id, name: p.name, ...(p.alias ? { alias: p.alias } : {}) });
  }
  const rooms: SeenRoom[] = [];
  for (const id of await puppet.roomList()) {
    const p = await puppet.roomPayload(id);
    const names = new Map<string, string[]>();
    for (const memberId of await puppet.roomMemberList(id)) {
      if (memberId === selfId) continue;
      const m = await puppet.roomMemberPayload(id, memberId);
      names.set(memberId, [m.name, m.roomAlias].filter((n): n is string => Boolean(n && n.trim())));
    }
    rooms.push({ id, topic: p.topic, names });
  }
  return { contacts, rooms };
}

/** Re-identifies people and rooms for one WeChat account. */
export class Relinker {
  private readonly pending: PendingLinks;
  /** Contacts whose remark already carries their member's tag. */
  private readonly tagged = new Set<string>();
  private offlineSince: string | undefined;
  private loginCount = 0;

  constructor(private readonly options: RelinkerOptions) {
    this.pending = new PendingLinks(path.join(options.dataDir, PENDING_LINKS_NAME));
  }

  /** Reads the pending codes kept from an earlier run. */
  async load(): Promise<void> {
    await this.pending.load();
  }

  /** The account went offline: tells the admins, once per logout. */
  async reportOffline(reason: string, at: Date): Promise<void> {
    if (this.offlineSince) return;
    this.offlineSince = at.toISOString();
    const t = this.options.translate;
    await this.options.identities.notifyAdmins(t('wechat.admins.offline', { reason: reason || '-' }), `wechat-offline:${this.offlineSince}`);
  }

  /** After a login: re-links, asks, reports. Returns the old → new room ids. */
  async afterLogin(puppet: Puppet, selfId: string, at: Date): Promise<ReadonlyMap<string, string>> {
    this.loginCount++;
    const world = await seeWorld(puppet, selfId);
    const report = await reconcile(this.options.identities, world, this.options.threshold);
    const found = new Set((await this.options.identities.knownPeople()).filter((k) => world.contacts.some((c) => c.id === k.userId)).map((k) => k.memberId));
    await this.pending.drop(found);
    const lost = [...report.ambiguousPeople.map((a) => a.person), ...report.missingPeople];
    const entries = new Map<number, PendingLink>();
    for (const person of lost) entries.set(person.memberId, await this.pending.add(person));
    for (const { person, contactIds } of report.ambiguousPeople) {
      for (const id of contactIds) await this.ask(entries.get(person.memberId)!, id);
    }
    this.options.logger.info(summary(report), 'WeChat identities checked after login');
    await this.reportLogin(report, entries, at);
    await this.tagAll(puppet, world);
    return report.roomIds;
  }

  /** Sets the remark of a contact the roster knows and the account has not tagged yet; never throws. */
  async tag(puppet: Puppet, contactId: string): Promise<void> {
    if (this.tagged.has(contactId)) return;
    try {
      const memberId = await this.options.identities.memberIdOf(contactId);
      if (memberId === null) return;
      const alias = (await puppet.contactPayload(contactId)).alias ?? '';
      if (memberIdOfRemark(alias) !== memberId) {
        const kept = withoutRemarkTag(alias);
        await puppet.contactAlias(contactId, `${kept} ${remarkTag(memberId)}`.trim());
        await puppet.contactPayloadDirty(contactId);
      }
      this.tagged.add(contactId);
    } catch (err) {
      // Some puppets cannot set remarks (or not on strangers): the name fallback remains.
      this.options.logger.debug({ err, contactId }, 'could not set a WeChat remark');
      this.tagged.add(contactId);
    }
  }

  /**
   * A message from `contactId` (whose names `names` reads): true when it is held back here because the sender
   * may be a lost member (a code, or someone asked for one), false to let it through.
   */
  async intercept(puppet: Puppet, contactId: string, names: () => Promise<readonly string[]>, text: string): Promise<boolean> {
    if (this.pending.all.length === 0) return false;
    if ((await this.options.identities.memberIdOf(contactId)) !== null) return false;
    const taken = await this.pending.take(contactId, text);
    const t = this.options.translate;
    if (taken === 'wrong') {
      await this.options.sayPrivately(contactId, t('wechat.relink.wrong'));
      return true;
    }
    if (taken) {
      const outcome = await this.options.identities.relinkMember(taken.person.userId, contactId);
      this.options.logger.info({ memberId: taken.person.memberId, contactId, outcome }, 'WeChat contact re-linked by code');
      await this.tag(puppet, contactId);
      if (outcome === 'linked') await this.options.sayPrivately(contactId, t('wechat.relink.done', { name: taken.person.name }));
      return true;
    }
    if (this.pending.isAsked(contactId)) return true;
    const maybe = (await names()).flatMap((n) => this.pending.byName(n))[0];
    if (!maybe) return false;
    await this.ask(maybe, contactId);
    return true;
  }

  private async ask(entry: PendingLink, contactId: string): Promise<void> {
    if (!(await this.pending.markAsked(entry, contactId))) return;
    try {
      await this.options.sayPrivately(contactId, this.options.translate('wechat.relink.ask', { name: entry.person.name }));
    } catch (err) {
      this.options.logger.warn({ err, contactId }, 'could not ask a WeChat contact for their code');
    }
  }

  /** One message to the admins after a re-login, or after any login where something was lost. */
  private async reportLogin(report: RelinkReport, entries: ReadonlyMap<number, PendingLink>, at: Date): Promise<void> {
    const wasOffline = this.offlineSince !== undefined;
    this.offlineSince = undefined;
    const lines = reportLines(report, entries, this.options.translate);
    if (!wasOffline && lines.length === 0) return;
    const text = [this.options.translate('wechat.admins.back'), ...lines].join('\n');
    await this.options.identities.notifyAdmins(text, `wechat-login:${at.toISOString()}:${this.loginCount}`);
  }

  private async tagAll(puppet: Puppet, world: SeenWorld): Promise<void> {
    for (const c of world.contacts) {
      if (memberIdOfRemark(c.alias) !== undefined && (await this.options.identities.memberIdOf(c.id)) === memberIdOfRemark(c.alias)) this.tagged.add(c.id);
    }
    for (const person of await this.options.identities.knownPeople()) {
      if (world.contacts.some((c) => c.id === person.userId)) await this.tag(puppet, person.userId);
    }
  }
}

/** The report to the admins, one line per finding. */
function reportLines(report: RelinkReport, entries: ReadonlyMap<number, PendingLink>, t: TranslateOf<PlatformPromptKey>): string[] {
  const lines: string[] = [];
  const percent = (x: number) => Math.round(x * 100);
  if (report.byRemark + report.byName > 0) lines.push(t('wechat.admins.people', { remark: report.byRemark, byName: report.byName }));
  for (const r of report.rooms) lines.push(t('wechat.admins.room', { title: r.title, percent: percent(r.overlap) }));
  for (const r of report.ambiguousRooms) lines.push(t('wechat.admins.roomAmbiguous', { title: r.title, count: r.candidates.length }));
  for (const r of report.missingRooms) {
    const best = Math.max(0, ...r.candidates.map((c) => c.overlap));
    lines.push(t('wechat.admins.roomMissing', { title: r.title, found: r.candidates.length ? t('wechat.admins.roomFound', { percent: percent(best) }) : '' }));
  }
  for (const { person } of report.ambiguousPeople) lines.push(t('wechat.admins.person', { name: person.name, code: entries.get(person.memberId)!.code }));
  for (const person of report.missingPeople) lines.push(t('wechat.admins.personMissing', { name: person.name, code: entries.get(person.memberId)!.code }));
  return lines;
}

/** What the log says about a reconciliation (no names: counts only). */
function summary(report: RelinkReport): Record<string, number> {
  return {
    byRemark: report.byRemark,
    byName: report.byName,
    rooms: report.rooms.length,
    ambiguousRooms: report.ambiguousRooms.length,
    missingRooms: report.missingRooms.length,
    ambiguousPeople: report.ambiguousPeople.length,
    missingPeople: report.missingPeople.length,
  };
}
