/**
 * The polls feature's database functions: the only code that touches the Poll, PollBallot,
 * PollAnonBallot and PollReceipt tables. Other features (the evaluation, /report) call the
 * exported functions here.
 *
 * Anonymous ballots are written by staging.ts (in batches, apart from their voters' receipts).
 */
import { z } from 'zod';
import type { Tx } from '../../bot/feature.ts';
import { Prisma } from '../../db/generated/sqlite/client.ts';
import type { Role } from '../../bot/types.ts';
import { membersOfUnit } from '../../bot/roster.ts';
import { belongsTo, hasAnyRole, partyRoles, rolesFrom } from '../../bot/policy.ts';
import type { MemberInfo } from '../../bot/feature.ts';

/** Poll kinds. */
export const PollKind = z.enum(['choice', 'rating']);
/** Who may vote. */
export const Audience = z.enum(['members', 'masses', 'all', 'formal']);
/** Poll statuses. */
export const PollStatus = z.enum(['open', 'closed']);

/** A poll kind. */
export type PollKind = z.infer<typeof PollKind>;
/** An audience. */
export type Audience = z.infer<typeof Audience>;

/** Roles that make up each audience. Admins and secretaries of the unit count as members. */
export const AUDIENCE_ROLES: Record<Audience, readonly Role[]> = {
  members: partyRoles(),
  masses: ['masses'],
  all: rolesFrom('masses'),
  /** A formal vote (表决): full members only, 预备党员 have no vote (polls/formal/). */
  formal: rolesFrom('member'),
};

/** A poll as the feature works with it (options parsed, kind and status checked). */
export interface Poll {
  readonly id: number;
  readonly kind: PollKind;
  readonly question: string;
  readonly options: readonly string[];
  readonly multiple: boolean;
  readonly anonymous: boolean;
  readonly hideResults: boolean;
  readonly minBallots: number;
  readonly audience: Audience;
  /** A member who may not vote in it (the member rated in their own 民主测评). */
  readonly excludedMemberId: number | null;
  readonly unitId: number;
  readonly createdById: number;
  readonly chatId: number;
  readonly platform: string;
  readonly chatExternalId: string;
  readonly chatTitle: string;
  readonly salt: string;
  readonly status: 'open' | 'closed';
  readonly closesAt: Date | null;
  readonly closedAt: Date | null;
  readonly eligibleAtClose: number | null;
  readonly createdAt: Date;
}

const Options = z.array(z.string());
const Choices = z.array(z.number().int().min(0));

type PollRow = {
  id: number;
  kind: string;
  question: string;
  options: string;
  multiple: boolean;
  anonymous: boolean;
  hideResults: boolean;
  minBallots: number;
  audience: string;
  excludedMemberId: number | null;
  unitId: number;
  createdById: number;
  chatId: number;
  platform: string;
  chatExternalId: string;
  chatTitle: string;
  salt: string;
  status: string;
  closesAt: Date | null;
  closedAt: Date | null;
  eligibleAtClose: number | null;
  createdAt: Date;
};

/** The columns of `PollRow`, for the typed raw reads. */
const POLL_COLUMNS = Prisma.raw(
  ['id', 'kind', 'question', 'options', 'multiple', 'anonymous', 'hideResults', 'minBallots', 'audience', 'excludedMemberId', 'unitId', 'createdById', 'chatId', 'platform', 'chatExternalId', 'chatTitle', 'salt', 'status', 'closesAt', 'closedAt', 'eligibleAtClose', 'createdAt']
    .map((c) => `"${c}"`)
    .join(', '),
);

/** Validates a stored row (a corrupt row is a programming error and throws). */
function toPoll(r: PollRow): Poll {
  return {
    ...r,
    kind: PollKind.parse(r.kind),
    audience: Audience.parse(r.audience),
    status: PollStatus.parse(r.status),
    options: Options.parse(JSON.parse(r.options)),
  };
}

/** Parses a stored choice list. */
function toChoices(json: string): number[] {
  return Choices.parse(JSON.parse(json));
}

/** What is needed to create a poll: everything but what the database and the close decide. */
export type NewPoll = Omit<Poll, 'id' | 'status' | 'closedAt' | 'eligibleAtClose' | 'excludedMemberId'> & { readonly excludedMemberId?: number | null };

/** Creates a poll and returns it (its id is the `#N` people see). */
export async function createPoll(tx: Tx, p: NewPoll): Promise<Poll> {
  const row = await tx.poll.create({ data: { ...p, options: JSON.stringify(p.options), status: 'open' } });
  return toPoll(row);
}

/**
 * A poll by id, or null. Read on every vote: a typed raw query (a third of a Prisma model
 * query's client time, bench/inbound.ts `per_query_cost`); the columns come back typed on both
 * databases (test/features/polls/vote-statements.test.ts runs it on SQLite and PostgreSQL).
 */
export async function getPoll(tx: Tx, id: number): Promise<Poll | null> {
  const rows = await tx.$queryRaw<PollRow[]>`SELECT ${POLL_COLUMNS} FROM "Poll" WHERE "id" = ${id}`;
  const row = rows[0];
  return row ? toPoll(row) : null;
}

/**
 * Open polls announced in a chat (Chat row id), oldest first. Read for every bare answer in a
 * chat (the polls' claim, beside a quiz's): a typed raw query, tested on both databases with `getPoll`.
 */
export async function openPollsInChat(tx: Tx, chatId: number): Promise<Poll[]> {
  const rows = await tx.$queryRaw<PollRow[]>`
    SELECT ${POLL_COLUMNS} FROM "Poll" WHERE "chatId" = ${chatId} AND "status" = 'open' ORDER BY "id" LIMIT 50`;
  return rows.map(toPoll);
}

/** Open polls of a unit, oldest first. */
export async function openPollsOfUnit(tx: Tx, unitId: number): Promise<Poll[]> {
  const rows = await tx.poll.findMany({ where: { unitId, status: 'open' }, orderBy: { id: 'asc' }, take: 50 });
  return rows.map(toPoll);
}

/** Ids of the polls among `pollIds` this member has voted in. */
export async function votedPollIds(tx: Tx, memberId: number, pollIds: readonly number[]): Promise<Set<number>> {
  if (pollIds.length === 0) return new Set();
  const rows = await tx.pollReceipt.findMany({ where: { memberId, pollId: { in: [...pollIds] } }, select: { pollId: true } });
  return new Set(rows.map((r) => r.pollId));
}

/** True when the member has voted in the poll. */
export async function hasVoted(tx: Tx, pollId: number, memberId: number): Promise<boolean> {
  return (await tx.pollReceipt.count({ where: { pollId, memberId } })) > 0;
}

/** One ballot's content: the options chosen (choice) or the score (rating). */
export interface BallotContent {
  readonly choices: readonly number[];
  readonly score: number | null;
}

/**
 * Records a named ballot: the receipt and the ballot on the first vote, a replaced ballot after.
 * Returns whether it replaced an earlier one. One typed raw upsert on every vote (the same SQL on
 * SQLite and PostgreSQL): it writes the ballot and tells by the receipt, which the first vote
 * writes beside its ballot, whether one was there before (the statement changes no receipt, so
 * its sub-select sees the receipts as they were); only a first vote then writes its receipt.
 */
export async function castNamedBallot(tx: Tx, pollId: number, memberId: number, content: BallotContent, now: Date): Promise<'new' | 'replaced'> {
  const choices = JSON.stringify(content.choices);
  const rows = await tx.$queryRaw<{ had: number | bigint }[]>`
    INSERT INTO "PollBallot" ("pollId", "memberId", "choices", "score", "createdAt", "updatedAt")
    VALUES (${pollId}, ${memberId}, ${choices}, ${content.score}, ${now}, ${now})
    ON CONFLICT ("pollId", "memberId") DO UPDATE SET "choices" = excluded."choices", "score" = excluded."score", "updatedAt" = excluded."updatedAt"
    RETURNING (SELECT COUNT(*) FROM "PollReceipt" WHERE "pollId" = ${pollId} AND "memberId" = ${memberId}) AS "had"`;
  if (Number(rows[0]?.had ?? 0) > 0) return 'replaced';
  await tx.$executeRaw`INSERT INTO "PollReceipt" ("pollId", "memberId") VALUES (${pollId}, ${memberId}) ON CONFLICT ("pollId", "memberId") DO NOTHING`;
  return 'new';
}

/** A member's named ballot, or null. */
export async function findNamedBallot(tx: Tx, pollId: number, memberId: number): Promise<BallotContent | null> {
  const row = await tx.pollBallot.findUnique({ where: { pollId_memberId: { pollId, memberId } }, select: { choices: true, score: true } });
  return row ? { choices: toChoices(row.choices), score: row.score } : null;
}

/**
 * The ballots of a poll (named or anonymous) counted by content, without voters: what tallies
 * count. The database groups them, so a result costs one small answer however many ballots there are.
 */
export async function ballotGroups(tx: Tx, poll: Pick<Poll, 'id' | 'anonymous'>): Promise<{ choices: number[]; score: number | null; count: number }[]> {
  const args = { by: ['choices', 'score'] as ['choices', 'score'], where: { pollId: poll.id }, _count: { _all: true as const } };
  const rows = poll.anonymous ? await tx.pollAnonBallot.groupBy(args) : await tx.pollBallot.groupBy(args);
  return rows.map((r) => ({ choices: toChoices(r.choices), score: r.score, count: r._count._all }));
}

/** Number of ballots of a poll. */
export async function ballotCount(tx: Tx, poll: Pick<Poll, 'id' | 'anonymous'>): Promise<number> {
  return poll.anonymous ? tx.pollAnonBallot.count({ where: { pollId: poll.id } }) : tx.pollBallot.count({ where: { pollId: poll.id } });
}

/**
 * The ballots of a NAMED poll with their voters (export). Throws for an anonymous poll: there is
 * no such data, and asking for it is a programming error.
 */
export async function namedBallots(tx: Tx, poll: Pick<Poll, 'id' | 'anonymous'>): Promise<(BallotContent & { memberId: number })[]> {
  if (poll.anonymous) throw new Error(`poll ${poll.id} is anonymous: its ballots have no voters`);
  const rows = await tx.pollBallot.findMany({ where: { pollId: poll.id }, orderBy: { id: 'asc' }, select: { memberId: true, choices: true, score: true } });
  return rows.map((r) => ({ memberId: r.memberId, choices: toChoices(r.choices), score: r.score }));
}

/** Member ids who voted in a poll (receipts), for turnout. */
export async function voterIds(tx: Tx, pollId: number): Promise<Set<number>> {
  const rows = await tx.pollReceipt.findMany({ where: { pollId }, select: { memberId: true } });
  return new Set(rows.map((r) => r.memberId));
}

/** True when a member may vote in a poll: same unit, a role of the poll's audience. */
export function isEligible(poll: Pick<Poll, 'unitId' | 'audience' | 'excludedMemberId'>, member: Pick<MemberInfo, 'id' | 'unitId' | 'role'>): boolean {
  return member.id !== poll.excludedMemberId && belongsTo(member, poll.unitId) && hasAnyRole(member, AUDIENCE_ROLES[poll.audience]);
}

/** The members who may vote in a poll now, ordered by name. */
export async function eligibleMembers(tx: Tx, poll: Pick<Poll, 'unitId' | 'audience' | 'excludedMemberId'>): Promise<MemberInfo[]> {
  return (await membersOfUnit(tx, poll.unitId, AUDIENCE_ROLES[poll.audience])).filter((m) => m.id !== poll.excludedMemberId);
}

/**
 * Marks a poll closed (once: false when it was already closed or does not exist), keeping the
 * number of eligible voters at that moment.
 */
export async function markClosed(tx: Tx, pollId: number, now: Date, eligible: number): Promise<boolean> {
  const { count } = await tx.poll.updateMany({ where: { id: pollId, status: 'open' }, data: { status: 'closed', closedAt: now, eligibleAtClose: eligible } });
  return count === 1;
}

/** Polls of some units created in [from, to), oldest first (for /report). */
export async function pollsOfUnitsBetween(tx: Tx, unitIds: readonly number[], from: Date, to: Date): Promise<Poll[]> {
  const rows = await tx.poll.findMany({ where: { unitId: { in: [...unitIds] }, createdAt: { gte: from, lt: to } }, orderBy: { id: 'asc' } });
  return rows.map(toPoll);
}

/** Number of receipts (voters) per poll id. */
export async function receiptCounts(tx: Tx, pollIds: readonly number[]): Promise<Map<number, number>> {
  if (pollIds.length === 0) return new Map();
  const rows = await tx.pollReceipt.groupBy({ by: ['pollId'], where: { pollId: { in: [...pollIds] } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.pollId, r._count._all]));
}

/** Closed rating polls of a unit closed in [from, to) (the satisfaction part of the evaluation). */
export async function closedRatingsBetween(tx: Tx, unitId: number, from: Date, to: Date): Promise<Poll[]> {
  const rows = await tx.poll.findMany({
    where: { unitId, kind: 'rating', status: 'closed', closedAt: { gte: from, lt: to } },
    orderBy: { id: 'asc' },
  });
  return rows.map(toPoll);
}

/** Open anonymous polls (the staged-ballot recovery job). */
export async function openAnonymousPolls(tx: Tx): Promise<Poll[]> {
  const rows = await tx.poll.findMany({ where: { status: 'open', anonymous: true }, orderBy: { id: 'asc' }, take: 500 });
  return rows.map(toPoll);
}
