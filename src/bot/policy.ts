/**
 * The authorization policy: the ONLY place that compares roles or org units to decide what someone
 * may do (test/bot/policy-scan.test.ts fails on a comparison anywhere else). It answers two
 * questions — "may this actor do this to this unit's item?" and "which units does this actor
 * see?" — plus the role gate of a command spec (its minimum role).
 *
 * The parent-unit rule (ARCHITECTURE.md, "Who may do what"): a unit's items (polls, meetings,
 * suggestions, pledges, reports, members) are managed by admins, by the secretaries of that unit,
 * and by the secretaries of its parent unit (the township's secretary manages its villages'
 * items). Members and masses manage only what they own, and see their own unit.
 */
import type { Tx } from './feature.ts';
import { ROLES, type Role } from './types.ts';

/** Whoever acts, as far as permissions care: the roster's member (never a display name). */
export interface Actor {
  readonly id: number;
  readonly role: Role;
  readonly unitId: number | null;
}

/** An org unit as the policy needs it: its place in the tree. */
export interface UnitNode {
  readonly id: number;
  readonly parentId: number | null;
}

/** Something that belongs to a unit and perhaps to one member (a poll, a pledge, a quiz). */
export interface Item {
  readonly unitId: number | null;
  /** The member who made or owns it, if anyone does. */
  readonly ownerId?: number | null;
}

/** How powerful a role is: ROLES is ordered from most to least, so admin ranks highest. */
function rank(role: Role): number {
  return ROLES.length - 1 - ROLES.indexOf(role);
}

/** Does `actor` hold at least role `min` (the gate of a command or sub-command)? */
export function hasRole(actor: Pick<Actor, 'role'>, min: Role): boolean {
  return rank(actor.role) >= rank(min);
}

/** The roles from `min` up, most powerful first (for "this needs 管理员、书记" and member lists). */
export function rolesFrom(min: Role): Role[] {
  return ROLES.filter((r) => rank(r) >= rank(min));
}

/**
 * The lowest role that takes part as a Party member: a 预备党员 (probationary) pledges, checks in,
 * takes quizzes, answers meetings and ordinary polls like any member; only formal votes (表决,
 * their own gate) leave them out. Commands of participation use it as their `minRole`.
 */
export const PARTY_MEMBER: Role = 'probationary';

/** The roles counted as a unit's Party members (audiences, rankings, turnout, roll calls), most powerful first. */
export function partyRoles(): Role[] {
  return rolesFrom(PARTY_MEMBER);
}

/** Does `actor` take part as a Party member (a 预备党员 included; masses not)? */
export function isPartyMember(actor: Pick<Actor, 'role'>): boolean {
  return hasRole(actor, PARTY_MEMBER);
}

/** Is `actor`'s role one of `roles` (a poll's audience, e.g. only the masses)? */
export function hasAnyRole(actor: Pick<Actor, 'role'>, roles: readonly Role[]): boolean {
  return roles.includes(actor.role);
}

/** Is `actor` on the roster of unit `unitId` (voters, attendees: only a unit's own people)? */
export function belongsTo(actor: Pick<Actor, 'unitId'>, unitId: number | null): boolean {
  return unitId !== null && actor.unitId === unitId;
}

/** Did `actor` make or own `item`? */
export function isOwner(actor: Pick<Actor, 'id'>, item: Item): boolean {
  return item.ownerId !== undefined && item.ownerId !== null && item.ownerId === actor.id;
}

/** The parent of unit `unitId` in `units`, or null. */
function parentOf(units: readonly UnitNode[], unitId: number): number | null {
  return units.find((u) => u.id === unitId)?.parentId ?? null;
}

/**
 * Does `actor` manage unit `unitId` (the parent-unit rule)? Admins manage every unit; a secretary
 * manages their own unit and the units directly under it; nobody else manages a unit.
 */
export function managesUnit(actor: Actor, unitId: number | null, units: readonly UnitNode[]): boolean {
  if (hasRole(actor, 'admin')) return true;
  if (!hasRole(actor, 'secretary') || actor.unitId === null || unitId === null) return false;
  return unitId === actor.unitId || parentOf(units, unitId) === actor.unitId;
}

/**
 * May `actor` move a member from unit `from` to unit `to`? Only someone who manages both (an
 * admin, or a secretary of a parent unit moving between its villages); an admin is never moved
 * (the admin belongs to the township).
 */
export function mayMoveMember(actor: Actor, person: Pick<Actor, 'role' | 'unitId'>, to: number, units: readonly UnitNode[]): boolean {
  return !hasRole(person, 'admin') && managesUnit(actor, person.unitId, units) && managesUnit(actor, to, units);
}

/** May `actor` remove `person` from the roster? A manager of their unit; never an admin, never oneself. */
export function mayRemoveMember(actor: Actor, person: Actor, units: readonly UnitNode[]): boolean {
  return !hasRole(person, 'admin') && person.id !== actor.id && managesUnit(actor, person.unitId, units);
}

/** May `actor` add people with `role` to unit `unitId` (a roster import)? A manager of the unit; admins are never imported. */
export function mayEnrol(actor: Actor, role: Role, unitId: number, units: readonly UnitNode[]): boolean {
  return !hasRole({ role }, 'admin') && managesUnit(actor, unitId, units);
}

/** May `actor` manage `item` (edit, close, stop, answer for it)? Its owner, or a manager of its unit. */
export function mayManage(actor: Actor, item: Item, units: readonly UnitNode[]): boolean {
  return isOwner(actor, item) || managesUnit(actor, item.unitId, units);
}

/** May `actor` see unit `unitId`'s items and figures? Its managers and its own people. */
export function seesUnit(actor: Actor, unitId: number | null, units: readonly UnitNode[]): boolean {
  return managesUnit(actor, unitId, units) || belongsTo(actor, unitId);
}

/**
 * May `actor` read unit `unitId`'s public items (pledges on show)? Whoever sees the unit, and the
 * people of the units under it (a village sees the township committee's pledges, not a neighbour's).
 */
export function seesPublicItemsOf(actor: Actor, unitId: number | null, units: readonly UnitNode[]): boolean {
  if (seesUnit(actor, unitId, units)) return true;
  for (let u = actor.unitId, hops = 0; u !== null && hops < units.length; hops++) {
    u = parentOf(units, u);
    if (u !== null && u === unitId) return true;
  }
  return false;
}

/** The units `actor` sees, in the order of `units`: all for admins, own and child units for secretaries, own for others. */
export function visibleUnits<U extends UnitNode>(actor: Actor, units: readonly U[]): U[] {
  return units.filter((u) => seesUnit(actor, u.id, units));
}

/**
 * The unit `actor` acts for when speaking where unit `here` is: `here` when they manage it (an
 * admin anywhere, a secretary in their own or a child unit's chat), else their own unit.
 */
export function actingUnit(actor: Actor, here: number | null, units: readonly UnitNode[]): number | null {
  return here !== null && managesUnit(actor, here, units) ? here : actor.unitId;
}

/** The unit tree the functions above take, read in one query. */
export async function unitTree(db: Tx): Promise<UnitNode[]> {
  return db.orgUnit.findMany({ select: { id: true, parentId: true } });
}

/** `managesUnit`, reading the unit tree. */
export async function managesUnitIn(db: Tx, actor: Actor, unitId: number | null): Promise<boolean> {
  if (hasRole(actor, 'admin')) return true;
  return managesUnit(actor, unitId, await unitTree(db));
}

/** `mayManage`, reading the unit tree. */
export async function mayManageIn(db: Tx, actor: Actor, item: Item): Promise<boolean> {
  return isOwner(actor, item) || (await managesUnitIn(db, actor, item.unitId));
}

/** `seesUnit`, reading the unit tree. */
export async function seesUnitIn(db: Tx, actor: Actor, unitId: number | null): Promise<boolean> {
  return belongsTo(actor, unitId) || (await managesUnitIn(db, actor, unitId));
}

/** `actingUnit`, reading the unit tree. */
export async function actingUnitIn(db: Tx, actor: Actor, here: number | null): Promise<number | null> {
  return here !== null && (await managesUnitIn(db, actor, here)) ? here : actor.unitId;
}
