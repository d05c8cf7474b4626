/**
 * Standings over time: a member's streak (consecutive local days with at least one answer), the
 * unit leaderboard of `/rank`, and the township view for admins (branches by average points per
 * member, and the township's top members). Points are the credited (capped) totals of all time.
 */
import type { Translate, Tx } from '../../bot/feature.ts';
import { listUnits, membersOfUnit, unitName } from '../../bot/roster.ts';
import type { MemberInfo } from '../../bot/feature.ts';
import { answerDays, totalPoints } from './store/points.ts';
import { addDays } from './util.ts';
import { partyRoles } from '../../bot/policy.ts';

/** Roles whose points are ranked (masses do not take quizzes). */
const RANKED_ROLES = partyRoles();

/** Lines shown in a leaderboard. */
const TOP = 10;

/**
 * Consecutive days with an answer, ending today — or yesterday, when today has none yet (the
 * streak is not lost before the day is over). `days` are local dates, newest first.
 */
export function streakOf(days: readonly string[], today: string): number {
  let expected = days[0] === today ? today : addDays(today, -1);
  let streak = 0;
  for (const d of days) {
    if (d > expected) continue;
    if (d !== expected) break;
    streak++;
    expected = addDays(expected, -1);
  }
  return streak;
}

/** One ranked member. */
export interface Standing {
  readonly rank: number;
  readonly member: MemberInfo;
  readonly points: number;
}

/** Ranks members by points (ties share a rank; then by name). */
export function rankMembers(members: readonly MemberInfo[], points: ReadonlyMap<number, number>): Standing[] {
  const sorted = [...members]
    .map((member) => ({ member, points: points.get(member.id) ?? 0 }))
    .sort((a, b) => b.points - a.points || a.member.name.localeCompare(b.member.name, 'zh-CN') || a.member.id - b.member.id);
  let rank = 0;
  return sorted.map((s, i) => {
    if (i === 0 || sorted[i - 1]!.points !== s.points) rank = i + 1;
    return { ...s, rank };
  });
}

/** The leaderboard of one unit, with the asking member's own line when outside the top. */
export async function unitLeaderboard(tx: Tx, t: Translate, unitId: number, memberId: number): Promise<string> {
  const members = await membersOfUnit(tx, unitId, [...RANKED_ROLES]);
  const standings = rankMembers(members, await totalPoints(tx, members.map((m) => m.id)));
  const active = standings.filter((s) => s.points > 0);
  const lines = [t('quizzes.rank.header', { unit: (await unitName(tx, unitId)) ?? '' })];
  if (active.length === 0) lines.push(t('quizzes.rank.empty'));
  for (const s of active.slice(0, TOP)) lines.push(t('quizzes.rank.line', { rank: s.rank, name: s.member.name, points: s.points }));
  const me = standings.find((s) => s.member.id === memberId);
  if (me && me.points === 0 && active.length > 0) lines.push(t('quizzes.rank.meNone'));
  else if (me && me.points > 0 && !active.slice(0, TOP).includes(me)) lines.push(t('quizzes.rank.me', { rank: me.rank, points: me.points }));
  lines.push(t('quizzes.rank.footer', { active: active.length, members: members.length }));
  return lines.join('\n');
}

/** The township view: branches by average points per member, then the top members overall. */
export async function townshipLeaderboard(tx: Tx, t: Translate): Promise<string> {
  const units = await listUnits(tx);
  const rows: { name: string; members: number; active: number; average: number }[] = [];
  const everyone: { member: MemberInfo; unit: string }[] = [];
  let points = new Map<number, number>();
  for (const u of units) {
    const members = await membersOfUnit(tx, u.id, [...RANKED_ROLES]);
    const totals = await totalPoints(tx, members.map((m) => m.id));
    points = new Map([...points, ...totals]);
    for (const m of members) everyone.push({ member: m, unit: u.name });
    if (u.kind !== 'branch' || members.length === 0) continue;
    const sum = members.reduce((n, m) => n + (totals.get(m.id) ?? 0), 0);
    rows.push({ name: u.name, members: members.length, active: members.filter((m) => (totals.get(m.id) ?? 0) > 0).length, average: sum / members.length });
  }
  const lines = [t('quizzes.rank.townshipHeader')];
  rows.sort((a, b) => b.average - a.average || a.name.localeCompare(b.name, 'zh-CN'));
  if (rows.length === 0) lines.push(t('quizzes.rank.noBranches'));
  rows.forEach((r, i) => lines.push(t('quizzes.rank.branchLine', { rank: i + 1, unit: r.name, average: r.average.toFixed(1), active: r.active, members: r.members })));
  const top = rankMembers(everyone.map((e) => e.member), points).filter((s) => s.points > 0).slice(0, TOP);
  if (top.length > 0) {
    const unitOf = new Map(everyone.map((e) => [e.member.id, e.unit]));
    lines.push(t('quizzes.rank.topHeader'));
    for (const s of top) lines.push(t('quizzes.rank.topLine', { rank: s.rank, name: s.member.name, unit: unitOf.get(s.member.id) ?? '', points: s.points }));
  }
  return lines.join('\n');
}

/**
 * A member's own standing when the unit has no public leaderboard (`/settings 公开积分榜`): their
 * points and streak, nobody else's, no rank.
 */
export async function ownStanding(tx: Tx, memberId: number, today: string): Promise<{ points: number; streak: number }> {
  const points = (await totalPoints(tx, [memberId])).get(memberId) ?? 0;
  return { points, streak: streakOf(await answerDays(tx, memberId), today) };
}
