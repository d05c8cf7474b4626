/**
 * The care slice's morning pass (08:00 in the org time zone, once a day through the occurrence
 * ledger): a short private 政治生日 greeting to each member whose 入党日期 falls today (once a
 * year: CareGreeting), and to each 流动党员's contact the digest of the notices held for them.
 */
import type { ChatRef } from '../../bot/types.ts';
import { membersByIds, privateChatsOf } from '../../bot/roster.ts';
import { localParts } from '../../bot/time.ts';
import type { JobContext } from '../../scheduler/contract.ts';
import { claimGreeting, membersWithJoinDate, takeHeldNotices } from './store.ts';

/** When the morning pass runs (org time zone). */
export const MORNING_CRON = '0 8 * * *';
/** Most notices listed in one digest (the rest are counted). */
const DIGEST_MAX = 20;

/** A private chat where the bot can reach `memberId`, or null. */
async function privateChat(job: JobContext, memberId: number): Promise<ChatRef | null> {
  return (await privateChatsOf(job.db, memberId)).find((c) => job.capabilitiesOf(c.platform)?.privateMessages) ?? null;
}

/** Greets every member whose 政治生日 is today (a member who joined today is not greeted). */
export async function sendGreetings(job: JobContext): Promise<void> {
  const today = localParts(job.now(), job.timeZone);
  for (const m of await membersWithJoinDate(job.db)) {
    const joined = localParts(m.joinedPartyOn, job.timeZone);
    if (joined.month !== today.month || joined.day !== today.day || joined.year >= today.year) continue;
    const chat = await privateChat(job, m.id);
    if (!chat || !(await claimGreeting(job.db, m.id, today.year, job.now()))) continue;
    job.send(chat, job.t('care.birthday.greeting', { name: m.name, years: today.year - joined.year, year: joined.year }));
  }
}

/** Sends each contact the digest of the notices held for the 流动党员 they look after. */
export async function sendDigests(job: JobContext): Promise<void> {
  const held = await takeHeldNotices(job.db);
  const names = await membersByIds(job.db, [...held.values()].flatMap((list) => list.map((n) => n.memberId)));
  for (const [contactId, notices] of held) {
    const chat = await privateChat(job, contactId);
    if (!chat) continue;
    const lines = [job.t('care.digest.header', { count: notices.length })];
    for (const n of notices.slice(0, DIGEST_MAX)) lines.push(job.t('care.digest.line', { name: names.get(n.memberId)?.name ?? '', text: n.text }));
    if (notices.length > DIGEST_MAX) lines.push(job.t('care.digest.more', { count: notices.length - DIGEST_MAX }));
    lines.push(job.t('care.digest.footer'));
    job.send(chat, lines.join('\n'));
  }
}

/** The morning pass: greetings, then digests. */
export async function morningPass(job: JobContext): Promise<void> {
  await sendGreetings(job);
  await sendDigests(job);
}
