// The authorization policy's rules, as pure functions: role ranks, the parent-unit rule (a
// secretary manages their own unit and the units directly under it, never a sibling or the
// parent), what members see, owners, and the unit someone acts for.
import { describe, expect, it } from 'vitest';
import { actingUnit, belongsTo, hasAnyRole, hasRole, isOwner, isPartyMember, PARTY_MEMBER, partyRoles, managesUnit, mayManage, rolesFrom, seesUnit, visibleUnits, type Actor } from '../../src/bot/policy.ts';

// 1 township; 2 and 3 villages under it; 4 a village of another township 5.
const UNITS = [
  { id: 1, parentId: null },
  { id: 2, parentId: 1 },
  { id: 3, parentId: 1 },
  { id: 5, parentId: null },
  { id: 4, parentId: 5 },
];
const admin: Actor = { id: 1, role: 'admin', unitId: null };
const townSecretary: Actor = { id: 2, role: 'secretary', unitId: 1 };
const villageSecretary: Actor = { id: 3, role: 'secretary', unitId: 2 };
const member: Actor = { id: 4, role: 'member', unitId: 2 };
const masses: Actor = { id: 5, role: 'masses', unitId: 2 };

describe('policy', () => {
  it('ranks roles: admin > secretary > member > probationary > masses', () => {
    expect(hasRole(admin, 'secretary')).toBe(true);
    expect(hasRole(villageSecretary, 'secretary')).toBe(true);
    expect(hasRole(villageSecretary, 'admin')).toBe(false);
    expect(hasRole(member, 'member')).toBe(true);
    expect(hasRole(masses, 'member')).toBe(false);
    expect(rolesFrom('secretary')).toEqual(['admin', 'secretary']);
    expect(rolesFrom('masses')).toEqual(['admin', 'secretary', 'member', 'probationary', 'masses']);
    expect(hasRole({ role: 'probationary' }, 'member')).toBe(false);
    expect(hasRole({ role: 'probationary' }, PARTY_MEMBER)).toBe(true);
    expect(partyRoles()).toEqual(['admin', 'secretary', 'member', 'probationary']);
    expect(isPartyMember(masses)).toBe(false);
    expect(hasAnyRole(masses, ['masses'])).toBe(true);
    expect(hasAnyRole(member, ['masses'])).toBe(false);
  });

  it('the parent-unit rule: own unit and direct children, for secretaries; every unit for admins', () => {
    expect([1, 2, 3, 4, 5].map((u) => managesUnit(admin, u, UNITS))).toEqual([true, true, true, true, true]);
    expect([1, 2, 3, 4, 5].map((u) => managesUnit(townSecretary, u, UNITS))).toEqual([true, true, true, false, false]);
    expect([1, 2, 3, 4, 5].map((u) => managesUnit(villageSecretary, u, UNITS))).toEqual([false, true, false, false, false]);
    expect([1, 2, 3].map((u) => managesUnit(member, u, UNITS))).toEqual([false, false, false]);
    expect(managesUnit(villageSecretary, null, UNITS)).toBe(false);
    expect(managesUnit({ ...villageSecretary, unitId: null }, 2, UNITS)).toBe(false);
  });

  it('members see their own unit; secretaries also the units they manage', () => {
    expect(visibleUnits(member, UNITS).map((u) => u.id)).toEqual([2]);
    expect(visibleUnits(townSecretary, UNITS).map((u) => u.id)).toEqual([1, 2, 3]);
    expect(visibleUnits(admin, UNITS).map((u) => u.id)).toEqual([1, 2, 3, 5, 4]);
    expect(seesUnit(masses, 3, UNITS)).toBe(false);
    expect(belongsTo(member, 2)).toBe(true);
    expect(belongsTo(member, null)).toBe(false);
  });

  it('an item is managed by its owner or by whoever manages its unit', () => {
    const quiz = { unitId: 3, ownerId: member.id };
    expect(isOwner(member, quiz)).toBe(true);
    expect(mayManage(member, quiz, UNITS)).toBe(true);
    expect(mayManage(masses, quiz, UNITS)).toBe(false);
    expect(mayManage(villageSecretary, quiz, UNITS)).toBe(false);
    expect(mayManage(townSecretary, quiz, UNITS)).toBe(true);
    expect(isOwner(member, { unitId: 2, ownerId: null })).toBe(false);
  });

  it('acts for the chat\'s unit when managing it, else for their own', () => {
    expect(actingUnit(townSecretary, 2, UNITS)).toBe(2);
    expect(actingUnit(villageSecretary, 3, UNITS)).toBe(2);
    expect(actingUnit(admin, 4, UNITS)).toBe(4);
    expect(actingUnit(member, 3, UNITS)).toBe(2);
    expect(actingUnit(villageSecretary, null, UNITS)).toBe(2);
  });
});
